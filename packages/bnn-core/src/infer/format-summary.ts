import type { GraphAnalysis } from './analyze.js';

/**
 * A plain-text summary laid out as current `larq.models.summary` prints it (its rules ported, not its code):
 * - one row per layer: name, input precision ("-" without an input quantizer), output shape, one "# b-bit"
 *   column per parameter bit width present in the model, memory in kB (8·1024 one-bit weights = 1 kB), one
 *   "b-bit MACs" column per MAC precision present; MACs are "?" for layer types Larq does not count;
 * - a total row, then Total / Trainable / Non-trainable params (3 significant figures, k/M/B), model size in
 *   B/KiB/MiB, the size with > 8-bit weights at 8 bits, the float-32 equivalent, the compression ratio, the MAC
 *   count and the binarized (and ternarized) MAC ratios — plus the studio's packed-weight and activation figures.
 */
export function formatSummary(analysis: GraphAnalysis, title = 'model'): string {
  const t = analysis.totals;
  const paramBits = bitWidths(t.paramsByBits);
  const macBits = bitWidths(t.macsByBits);
  const header = [
    'Layer',
    'Input prec.\n(bit)',
    'Outputs',
    ...paramBits.map((b) => `# ${b}-bit\nx 1`),
    'Memory\n(kB)',
    ...macBits.map((b) => `${b}-bit MACs`),
  ];
  const rows: string[][] = [];
  for (const id of analysis.order) {
    const n = analysis.nodes[id];
    if (!n) continue;
    const counted = MAC_COUNTED_TYPES.has(n.layerType);
    rows.push([
      id,
      n.inputPrecision === null ? '-' : String(n.inputPrecision),
      n.outputShape ? `(-1, ${n.outputShape.join(', ')})` : '?',
      ...paramBits.map((b) => String(n.paramsByBits[b] ?? 0)),
      kiloBytes(n.memoryBits),
      ...macBits.map((b) => (counted ? String(n.macsByBits[b] ?? 0) : '?')),
    ]);
  }
  const footer = [
    'Total',
    '',
    '',
    ...paramBits.map((b) => String(t.paramsByBits[b] ?? 0)),
    kiloBytes(t.modelSizeBytes * 8),
    ...macBits.map((b) => String(t.macsByBits[b] ?? 0)),
  ];
  const layerTable = table(`${title} stats`, header, rows, footer);
  const summary: string[][] = [
    ['Total params', readableCount(t.totalParams)],
    ['Trainable params', readableCount(t.trainableParams)],
    ['Non-trainable params', readableCount(t.nonTrainableParams)],
    ['Model size', readableBytes(t.modelSizeBytes)],
    ['Model size (8-bit FP weights)', readableBytes(t.int8EquivalentBytes)],
    ['Float-32 Equivalent', readableBytes(t.float32EquivalentBytes)],
    ['Compression Ratio of Memory', t.compressionRatio.toFixed(2)],
    ['Number of MACs', readableCount(t.totalMacs)],
  ];
  if (t.binaryMacShare > 0) summary.push(['Ratio of MACs that are binarized', t.binaryMacShare.toFixed(4)]);
  if (t.ternaryMacShare > 0)
    summary.push(['Ratio of MACs that are ternarized', t.ternaryMacShare.toFixed(4)]);
  summary.push(
    ['Packed weights', `${t.packedBytes} B`],
    ['Peak activation memory (est.)', `${t.arenaBytes} B`],
  );
  return `${layerTable}\n${table(`${title} summary`, null, summary, null)}`;
}

/** Layer types whose MACs Larq's summary counts (others print "?"): MAC layers, Flatten, BatchNorm, pooling. */
const MAC_COUNTED_TYPES = new Set([
  'QuantConv2D',
  'QuantDepthwiseConv2D',
  'QuantSeparableConv2D',
  'QuantDense',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'Flatten',
  'BatchNormalization',
  'MaxPool2D',
  'AveragePool2D',
]);

function bitWidths(byBits: Record<number, number>): number[] {
  return Object.keys(byBits)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Larq's memory column: bits / (8·1024) with 2 decimals, a plain 0 for nothing. */
function kiloBytes(bits: number): string {
  return bits === 0 ? '0' : (bits / 8192).toFixed(2);
}

/** Larq's readable count: 3 significant figures; below 1000 as is, then k, M, B, T (1e15 and up: 2.00E+15). */
export function readableCount(n: number): string {
  const num = Number(n.toPrecision(3));
  if (Math.abs(num) < 1000) return String(num);
  if (Math.abs(num) >= 1e15) return num.toExponential(2).toUpperCase();
  let v = num;
  let magnitude = 0;
  while (Math.abs(v) >= 1000 && magnitude < 4) {
    magnitude += 1;
    v /= 1000;
  }
  // Python's ':.3g': 3 significant figures, trailing zeros dropped (1000 → "1 k", 93,556 → "93.6 k").
  return `${String(Number(v.toPrecision(3)))}${['', ' k', ' M', ' B', ' T'][magnitude]}`;
}

/** Larq's memory_as_readable_str: bytes in B, KiB, MiB or GiB (1 KiB = 1024 B), 2 decimals, thousands commas. */
export function readableBytes(bytes: number): string {
  const suffixes = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < suffixes.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${suffixes[i]}`;
}

function table(title: string, header: string[] | null, rows: string[][], footer: string[] | null): string {
  // Header cells may span several lines ("Input prec.\n(bit)"), as in Larq's table.
  const headerLines = header ? Math.max(...header.map((h) => h.split('\n').length)) : 0;
  const headerRows: string[][] = [];
  for (let l = 0; l < headerLines; l++) headerRows.push(header!.map((h) => h.split('\n')[l] ?? ''));
  const all = [...headerRows, ...rows, ...(footer ? [footer] : [])];
  const cols = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')} |`;
  const inner = widths.reduce((a, w) => a + w, 0) + 2 * (cols - 1) + 2;
  const top = `+${title}${'-'.repeat(Math.max(0, inner - title.length))}+`;
  const sep = `+${'-'.repeat(inner)}+`;
  const out = [top];
  if (headerRows.length) out.push(...headerRows.map(line), sep);
  for (const r of rows) out.push(line(r));
  if (footer) out.push(sep, line(footer));
  out.push(sep);
  return out.join('\n');
}
