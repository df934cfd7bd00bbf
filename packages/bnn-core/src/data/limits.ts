/**
 * Memory limits of the dataset loaders. A loader checks the size it is about to allocate before decoding,
 * and refuses with a message naming the file and the limit instead of exhausting a browser tab or worker.
 */
/** Largest decoded dataset (float32 samples): 512 MiB, i.e. 134,217,728 values. */
export const MAX_DATASET_BYTES = 512 * 1024 * 1024;
/** Largest input file (zip, IDX after decompression, CSV text): 512 MiB. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Largest single image inside a zip, decoded (RGBA pixels): 64 MiB. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export class DatasetError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
  }
}

export function checkDecodedSize(file: string, values: number): void {
  if (values * 4 > MAX_DATASET_BYTES) {
    throw new DatasetError(
      file,
      `the decoded dataset would take ${Math.ceil((values * 4) / 2 ** 20)} MiB, over the ${MAX_DATASET_BYTES / 2 ** 20} MiB limit; use fewer or smaller samples`,
    );
  }
}
