import type { GraphAnalysis } from './analyze.js';

/**
 * A plain-text summary in the spirit of `larq.models.summary`: one row per layer (output shape, parameters per
 * precision, memory in kB where 8·1024 one-bit weights = 1 kB, MACs per precision) and the model totals.
 */
export function formatSummary(analysis: GraphAnalysis, title = 'model'): string {
  const header = [
    'Layer',
    'Prec.',
    'Outputs',
    '# 1-bit',
    '# 8-bit',
    '# 32-bit',
    'Memory (kB)',
    '1-bit MACs',
    '8-bit MACs',
    '32-bit MACs',
  ];
  const rows: string[][] = [];
  for (const id of analysis.order) {
    const n = analysis.nodes[id];
    if (!n) continue;
    const memBits = n.params.binary + 8 * n.params.int8 + 32 * n.params.float32;
    rows.push([
      id,
      String(n.bitWidth),
      n.outputShape ? `(-1, ${n.outputShape.join(', ')})` : '?',
      String(n.params.binary),
      String(n.params.int8),
      String(n.params.float32),
      (memBits / 8192).toFixed(2),
      String(n.macs.binary),
      String(n.macs.int8),
      String(n.macs.float32),
    ]);
  }
  const t = analysis.totals;
  const footer = [
    'Total',
    '',
    '',
    String(t.binaryParams),
    String(t.int8Params),
    String(t.float32Params),
    (t.modelSizeBytes / 1024).toFixed(2),
    String(t.binaryMacs),
    String(t.int8Macs),
    String(t.float32Macs),
  ];
  const layerTable = table(`${title} stats`, header, rows, footer);
  const mb = (b: number) => `${(b / (1024 * 1024)).toFixed(2)} MB`;
  const summary: string[][] = [
    ['Total params', String(t.totalParams)],
    ['Trainable params', String(t.trainableParams)],
    ['Non-trainable params', String(t.nonTrainableParams)],
    ['Model size', `${mb(t.modelSizeBytes)} (${t.modelSizeBytes.toFixed(0)} B)`],
    ['Model size (8-bit FP weights)', mb(t.int8EquivalentBytes)],
    ['Float-32 Equivalent', mb(t.float32EquivalentBytes)],
    ['Compression Ratio of Memory', t.compressionRatio.toFixed(2)],
    ['Compression of Memory', `${t.compressionFactor.toFixed(2)}×`],
    ['Packed weights', `${t.packedBytes} B`],
    ['Number of MACs', String(t.totalMacs)],
    ['Ratio of MACs that are binarized', t.binaryMacShare.toFixed(4)],
    ['Peak activation memory (est.)', `${t.arenaBytes} B`],
  ];
  return `${layerTable}\n${table(`${title} summary`, null, summary, null)}`;
}

function table(title: string, header: string[] | null, rows: string[][], footer: string[] | null): string {
  const all = [...(header ? [header] : []), ...rows, ...(footer ? [footer] : [])];
  const cols = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')} |`;
  const inner = widths.reduce((a, w) => a + w, 0) + 2 * (cols - 1) + 2;
  const top = `+${title}${'-'.repeat(Math.max(0, inner - title.length))}+`;
  const sep = `+${'-'.repeat(inner)}+`;
  const out = [top];
  if (header) out.push(line(header), sep);
  for (const r of rows) out.push(line(r));
  if (footer) out.push(sep, line(footer));
  out.push(sep);
  return out.join('\n');
}
