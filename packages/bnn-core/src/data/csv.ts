/**
 * CSV of numeric features with a label column. The first row is a header when any of its feature cells is
 * not a number. The label column (default: the last; or by header name / 0-based index) may hold class names
 * or integers; classes are the distinct labels sorted (numerically when all are integers).
 */
import type { Dataset } from './dataset.js';
import { checkDecodedSize, DatasetError, MAX_FILE_BYTES } from './limits.js';

export interface CsvOptions {
  name?: string;
  /** File name used in error messages. */
  file?: string;
  /** Label column: header name or 0-based index; default the last column. */
  labelColumn?: string | number;
  delimiter?: ',' | ';' | '\t';
}

function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((c) => c.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export function loadCsv(text: string, opts: CsvOptions = {}): Dataset {
  const file = opts.file ?? 'data.csv';
  if (text.length > MAX_FILE_BYTES) {
    throw new DatasetError(file, `is larger than the ${MAX_FILE_BYTES / 2 ** 20} MiB limit`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DatasetError(file, 'is empty');
  const delimiter =
    opts.delimiter ??
    (lines[0]!.includes('\t') ? '\t' : lines[0]!.split(';').length > lines[0]!.split(',').length ? ';' : ',');
  const first = splitLine(lines[0]!, delimiter);
  const cols = first.length;
  if (cols < 2) throw new DatasetError(file, 'needs at least one feature column and a label column');
  let labelIdx = cols - 1;
  const isNum = (s: string) => s !== '' && Number.isFinite(Number(s));
  let header: string[] | null = null;
  if (typeof opts.labelColumn === 'number') labelIdx = opts.labelColumn;
  const firstFeatures = first.filter((_, i) => i !== labelIdx);
  if (typeof opts.labelColumn === 'string' || firstFeatures.some((c) => !isNum(c))) header = first;
  if (typeof opts.labelColumn === 'string') {
    labelIdx = header!.indexOf(opts.labelColumn);
    if (labelIdx < 0) {
      throw new DatasetError(
        file,
        `has no column named '${opts.labelColumn}' (columns: ${header!.join(', ')})`,
      );
    }
  }
  if (labelIdx < 0 || labelIdx >= cols)
    throw new DatasetError(file, `has no column ${labelIdx} (it has ${cols})`);
  const rows = header ? lines.slice(1) : lines;
  if (rows.length === 0) throw new DatasetError(file, 'has a header but no data rows');
  const nf = cols - 1;
  checkDecodedSize(file, rows.length * nf);
  const x = new Float32Array(rows.length * nf);
  const raw: string[] = [];
  rows.forEach((line, r) => {
    const cells = splitLine(line, delimiter);
    const lineNo = r + (header ? 2 : 1);
    if (cells.length !== cols) {
      throw new DatasetError(file, `line ${lineNo} has ${cells.length} cells but the first row has ${cols}`);
    }
    let f = 0;
    cells.forEach((c, i) => {
      if (i === labelIdx) {
        if (c === '') throw new DatasetError(file, `line ${lineNo} has an empty label`);
        raw.push(c);
        return;
      }
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) {
        const col = header ? `'${header[i]}'` : `${i + 1}`;
        throw new DatasetError(file, `line ${lineNo}, column ${col}: '${c}' is not a number`);
      }
      x[r * nf + f++] = v;
    });
  });
  const distinct = [...new Set(raw)];
  const allInt = distinct.every((s) => /^-?\d+$/.test(s));
  distinct.sort(allInt ? (a, b) => Number(a) - Number(b) : undefined);
  if (distinct.length < 2)
    throw new DatasetError(file, `has only one class ('${distinct[0]}'); a classifier needs at least two`);
  const index = new Map(distinct.map((s, i) => [s, i]));
  const y = Int32Array.from(raw, (s) => index.get(s)!);
  return { name: opts.name ?? file, x, y, shape: [nf], numClasses: distinct.length, labels: distinct };
}
