// Reads an uploaded dataset's metadata (samples, shape, classes) and rejects malformed or unsafe files with a
// message naming the problem. Nothing is extracted to disk: zip entries are only listed (zip-slip impossible).
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { unzipSync } from 'fflate';
import { ApiError } from '../../lib/errors.js';
import { checkDecodedValues } from './decoded-budget.js';

export interface DatasetMeta {
  samples: number;
  shape: number[];
  numClasses: number;
  labels: string[];
  /** Loader options training must use (e.g. the CSV label column). */
  options?: Record<string, unknown>;
}

const bad = (code: string, message: string, fix: string) => new ApiError(422, code, message, fix);

function readIdxHeader(file: string, role: string): { dims: number[]; headerBytes: number } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4 + 4 * 4);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < 8 || head[0] !== 0 || head[1] !== 0)
      throw bad(
        'idx_invalid',
        `The ${role} file is not an IDX file (bad magic number).`,
        'Upload MNIST-style IDX files (e.g. train-images-idx3-ubyte).',
      );
    if (head[2] !== 0x08)
      throw bad(
        'idx_type',
        `The ${role} file stores type 0x${head[2]!.toString(16)}; only unsigned bytes (0x08) are supported.`,
        'Convert the data to ubyte IDX.',
      );
    const ndims = head[3]!;
    if (ndims < 1 || ndims > 4 || n < 4 + 4 * ndims)
      throw bad(
        'idx_invalid',
        `The ${role} file declares ${ndims} dimensions.`,
        'Images need 3 or 4 dimensions, labels 1.',
      );
    const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
    const headerBytes = 4 + 4 * ndims;
    const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
    const size = statSync(file).size;
    if (size !== expected)
      throw bad(
        'idx_truncated',
        `The ${role} file has ${size} bytes but its header announces ${expected}.`,
        'Upload the complete, uncompressed file.',
      );
    return { dims, headerBytes };
  } finally {
    closeSync(fd);
  }
}

export function inspectIdx(imagesFile: string, labelsFile: string): DatasetMeta {
  let images = { ...readIdxHeader(imagesFile, 'images'), file: imagesFile };
  let labels = { ...readIdxHeader(labelsFile, 'labels'), file: labelsFile };
  // Accept the two files in either order.
  if (images.dims.length === 1 && labels.dims.length >= 3) [images, labels] = [labels, images];
  if (images.dims.length < 3)
    throw bad(
      'idx_shape',
      `The images file has shape [${images.dims}]; expected [N, H, W] or [N, H, W, C].`,
      'Upload the images IDX file and the labels IDX file.',
    );
  if (labels.dims.length !== 1)
    throw bad(
      'idx_shape',
      `The labels file has shape [${labels.dims}]; expected [N].`,
      'Upload the labels IDX file (idx1).',
    );
  if (images.dims[0] !== labels.dims[0])
    throw bad(
      'idx_count_mismatch',
      `${images.dims[0]} images but ${labels.dims[0]} labels.`,
      'Upload matching images and labels files.',
    );
  checkDecodedValues(
    images.dims.reduce((a, b) => a * b, 1),
    `The images file (shape [${images.dims.join(', ')}])`,
  );
  const labelBytes = readFileSync(labels.file).subarray(labels.headerBytes);
  let maxLabel = 0;
  for (const b of labelBytes) if (b > maxLabel) maxLabel = b;
  const [, h, w, c = 1] = images.dims as [number, number, number, number?];
  return {
    samples: images.dims[0]!,
    shape: [h, w, c],
    numClasses: maxLabel + 1,
    labels: Array.from({ length: maxLabel + 1 }, (_, i) => String(i)),
  };
}

export async function inspectCsv(file: string, labelColumn?: string): Promise<DatasetMeta> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  let labelIdx = -1;
  let rows = 0;
  const classes = new Set<string>();
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = raw.trim();
    if (!text) continue;
    const cells = text.split(',').map((s) => s.trim());
    if (!header) {
      header = cells;
      labelIdx = labelColumn ? header.indexOf(labelColumn) : header.indexOf('label');
      if (labelColumn && labelIdx < 0)
        throw bad(
          'csv_label_column',
          `Column '${labelColumn}' is not in the header (${header.slice(0, 10).join(', ')}).`,
          'Name an existing column as labelColumn.',
        );
      if (labelIdx < 0) labelIdx = header.length - 1;
      if (header.length < 2)
        throw bad(
          'csv_columns',
          'The CSV needs at least one feature column and a label column.',
          'Add columns.',
        );
      continue;
    }
    if (cells.length !== header.length)
      throw bad(
        'csv_row_length',
        `Line ${line} has ${cells.length} cells; the header has ${header.length}.`,
        'Make every row as wide as the header.',
      );
    for (let i = 0; i < cells.length; i++) {
      if (i === labelIdx) continue;
      if (!Number.isFinite(Number(cells[i])) || cells[i] === '')
        throw bad(
          'csv_not_numeric',
          `Line ${line}, column '${header[i]}': '${cells[i]!.slice(0, 20)}' is not a number.`,
          'Features must be numbers; put the class in the label column.',
        );
    }
    classes.add(cells[labelIdx]!);
    rows++;
  }
  if (!header || rows === 0)
    throw bad(
      'csv_empty',
      'The CSV has no data rows.',
      'Upload a CSV with a header line and at least one row.',
    );
  checkDecodedValues(rows * (header.length - 1), `The CSV (${rows} rows × ${header.length - 1} features)`);
  const labels = [...classes].sort((a, b) =>
    Number.isFinite(Number(a)) && Number.isFinite(Number(b)) ? Number(a) - Number(b) : a.localeCompare(b),
  );
  return {
    samples: rows,
    shape: [header.length - 1],
    numClasses: labels.length,
    labels,
    options: { labelColumn: header[labelIdx] },
  };
}

const IMAGE = /\.(png|jpe?g)$/i;

/** Names inside an image-folder zip; rejects absolute paths, `..` segments and backslashes. */
export function inspectImageZip(file: string): DatasetMeta {
  const names: string[] = [];
  try {
    unzipSync(readFileSync(file), {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch (err) {
    throw bad(
      'zip_invalid',
      `The zip could not be read: ${(err as Error).message}.`,
      'Upload a valid .zip of class folders.',
    );
  }
  const perClass = new Map<string, number>();
  for (const name of names) {
    if (
      name.startsWith('/') ||
      name.includes('\\') ||
      name.split('/').includes('..') ||
      /^[A-Za-z]:/.test(name)
    )
      throw bad(
        'zip_unsafe_path',
        `The zip entry '${name.slice(0, 100)}' points outside the archive.`,
        'Rebuild the zip with relative paths only.',
      );
    if (name.endsWith('/') || name.startsWith('__MACOSX/') || !IMAGE.test(name)) continue;
    const parts = name.split('/');
    if (parts.length < 2) continue;
    const label = parts[parts.length - 2]!;
    perClass.set(label, (perClass.get(label) ?? 0) + 1);
  }
  if (perClass.size < 2)
    throw bad(
      'zip_layout',
      `Found ${perClass.size} class folder(s) with images; need at least 2.`,
      'Zip one folder per class (e.g. person/, no_person/) holding .png or .jpg images.',
    );
  const labels = [...perClass.keys()].sort();
  return {
    samples: [...perClass.values()].reduce((a, b) => a + b, 0),
    shape: [],
    numClasses: labels.length,
    labels,
  };
}
