// The formats a dataset can be uploaded in: what the picker offers and accepts, how many files one upload has,
// the names they are stored under and how a filename reveals its kind. Shared by the web's dataset picker and the
// API's upload; the server half (inspect, store, decode) is services/datasets/dataset-kinds.ts, keyed the same way.
// Adding a format: add it to UPLOAD_KINDS, and the compiler asks for its row here and there.

export const UPLOAD_KINDS = ['idx', 'zip', 'csv'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

export interface UploadKindInfo {
  /** The picker's option text. */
  label: string;
  /** The files one upload needs, as the picker and the errors say it. */
  expected: string;
  /** Number of files one upload has. */
  files: number;
  /** The file input's `accept` attribute (any file when absent). */
  accept?: string;
  /** Names of the stored files in the dataset's directory, by role (never the client's filenames). */
  stored: readonly string[];
  /** Whether a client filename looks like this kind (the kind when the upload does not name one). */
  matches(filename: string): boolean;
}

export const DATASET_KINDS = {
  idx: {
    label: 'IDX (MNIST-style images + labels)',
    expected: 'two files: images (.idx/-ubyte) and labels',
    files: 2,
    stored: ['images.idx', 'labels.idx'],
    matches: (f) => /idx\d|ubyte|\.idx$/.test(f.toLowerCase()),
  },
  zip: {
    label: 'Zip of image folders (one folder per class)',
    expected: 'one .zip of class folders',
    files: 1,
    accept: '.zip',
    stored: ['data.zip'],
    matches: (f) => f.toLowerCase().endsWith('.zip'),
  },
  csv: {
    label: 'CSV (label, then features)',
    expected: 'one .csv (label column first)',
    files: 1,
    accept: '.csv,text/csv',
    stored: ['data.csv'],
    matches: (f) => f.toLowerCase().endsWith('.csv'),
  },
} as const satisfies Record<UploadKind, UploadKindInfo>;

export function isUploadKind(kind: string): kind is UploadKind {
  return (UPLOAD_KINDS as readonly string[]).includes(kind);
}

/** The kind a filename reveals (zip and csv by extension first, then IDX names), or undefined. */
export function uploadKindOf(filename: string): UploadKind | undefined {
  return (['zip', 'csv', 'idx'] as const).find((k) => DATASET_KINDS[k].matches(filename));
}
