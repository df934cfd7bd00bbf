// The server half of the dataset-kinds table (the shared half, contract/dataset-kinds.ts, says which files a kind
// has and how they are stored): per kind, how an upload is checked and stored, and how its stored files decode
// with bnn-core/tf. Upload, stored decoding (training jobs, the tensors route, the upload's own check) all use
// this one table; a kind without a row is a compile error, never a silent null.
import { readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '@bnn-studio/bnn-core/tf';
import { DATASET_KINDS, type UploadKind } from '../../contract/dataset-kinds.js';
import type { CoreTf } from '../../lib/core-tf.js';
import { ApiError } from '../../lib/errors.js';
import { type DatasetMeta, inspectCsv, inspectIdx, inspectImageZip } from './inspect-dataset.js';

/** An uploaded file, streamed to a temporary path. */
export interface UploadedFile {
  filename: string;
  path: string;
}

export interface DatasetKindRules {
  /** Refuses a wrong number of files (400 naming the kind's files). */
  checkCount(files: UploadedFile[]): void;
  /** Reads the metadata and rejects malformed or unsafe files (422 naming the problem). */
  inspect(files: UploadedFile[], fields: { labelColumn?: string }): DatasetMeta | Promise<DatasetMeta>;
  /** Moves the uploaded files into `dir` under their stored names (contract DATASET_KINDS[kind].stored). */
  store(files: UploadedFile[], dir: string): void;
  /** Decodes the stored files in `dir` with the options recorded at upload; loader errors name the file. */
  load(tf: CoreTf, dir: string, options: Record<string, unknown>): Dataset;
}

const read = (dir: string, file: string) => new Uint8Array(readFileSync(join(dir, file)));

const oneFile = (kind: UploadKind) => (files: UploadedFile[]) => {
  if (files.length !== 1)
    throw new ApiError(
      400,
      'one_file',
      `A ${kind} dataset is one file; got ${files.length}.`,
      `Upload a single file (${DATASET_KINDS[kind].expected}).`,
    );
};

const storeOne = (kind: 'zip' | 'csv') => (files: UploadedFile[], dir: string) =>
  renameSync(files[0]!.path, join(dir, DATASET_KINDS[kind].stored[0]));

export const DATASET_KIND_RULES = {
  idx: {
    checkCount: (files) => {
      if (files.length !== 2)
        throw new ApiError(
          400,
          'idx_needs_two_files',
          `IDX datasets need 2 files (images and labels); got ${files.length}.`,
          'Upload the images and the labels IDX files together.',
        );
    },
    inspect: (files) => inspectIdx(files[0]!.path, files[1]!.path),
    // inspectIdx accepts either order; the larger file is the images.
    store: (files, dir) => {
      const firstIsImages = statSync(files[0]!.path).size >= statSync(files[1]!.path).size;
      const [img, lab] = firstIsImages ? [files[0]!, files[1]!] : [files[1]!, files[0]!];
      const [imagesName, labelsName] = DATASET_KINDS.idx.stored;
      renameSync(img.path, join(dir, imagesName));
      renameSync(lab.path, join(dir, labelsName));
    },
    load: (tf, dir) => {
      const [imagesName, labelsName] = DATASET_KINDS.idx.stored;
      return tf.loadIdx(read(dir, imagesName), read(dir, labelsName));
    },
  },
  zip: {
    checkCount: oneFile('zip'),
    inspect: (files) => inspectImageZip(files[0]!.path),
    store: storeOne('zip'),
    load: (tf, dir, options) =>
      tf.loadImageFolderZip(read(dir, 'data.zip'), { ...options, file: 'data.zip' }),
  },
  csv: {
    checkCount: oneFile('csv'),
    inspect: (files, fields) => inspectCsv(files[0]!.path, fields.labelColumn),
    store: storeOne('csv'),
    load: (tf, dir, options) => {
      const [file] = DATASET_KINDS.csv.stored;
      return tf.loadCsv(readFileSync(join(dir, file), 'utf8'), { ...options, file });
    },
  },
} satisfies Record<UploadKind, DatasetKindRules>;
