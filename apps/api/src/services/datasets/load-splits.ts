// A stored dataset decoded with the bnn-core/tf loaders, as server training decodes it (in a worker thread).
import { join } from 'node:path';
import type { Dataset } from '@bnn-studio/bnn-core';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../lib/errors.js';
import { decodeInThread, isStoredKind } from './stored-dataset.js';

/** Decodes the stored dataset with bnn-core/tf and returns its train / test splits (as server training does). */
export async function loadSplits(
  ctx: Pick<AppContext, 'config'>,
  row: { id: string; kind: string; storagePath: string | null; optionsJson: string },
): Promise<{ train: Dataset; test: Dataset; split: boolean }> {
  if (row.kind === 'builtin' && (row.id === 'mnist' || row.id === 'fashion-mnist')) {
    const { all, test } = await decodeInThread({
      source: row.id === 'mnist' ? 'builtin-mnist' : 'builtin-fashion-mnist',
    }).catch((err: { message?: string; fix?: string }) => {
      throw new ApiError(
        409,
        'dataset_not_installed',
        err.message ?? String(err),
        err.fix ?? 'Reinstall it.',
      );
    });
    return { train: all, test: test!, split: false };
  }
  if (!row.storagePath)
    throw new ApiError(
      409,
      'dataset_no_files',
      `Dataset '${row.id}' has no stored files.`,
      'Upload the dataset again.',
    );
  if (!isStoredKind(row.kind))
    throw new ApiError(
      422,
      'dataset_kind',
      `Dataset '${row.id}' has kind '${row.kind}', which cannot be served.`,
      'Upload it as idx, zip or csv.',
    );
  const dir = join(ctx.config.dataDir, row.storagePath);
  const options = JSON.parse(row.optionsJson) as Record<string, unknown>;
  let all: Dataset;
  try {
    ({ all } = await decodeInThread({ source: 'upload', kind: row.kind, dir, options }));
  } catch (err) {
    const e = err as { message?: string; fix?: string; code?: string };
    if (e.code === 'ENOENT')
      throw new ApiError(
        409,
        'dataset_files_missing',
        `The stored files of dataset '${row.id}' are missing from the data directory.`,
        'Upload the dataset again.',
      );
    throw new ApiError(
      422,
      'dataset_invalid',
      `Dataset '${row.id}' could not be decoded: ${e.message ?? String(err)}`,
      e.fix ?? 'Upload the dataset again.',
    );
  }
  return { train: all, test: all, split: true };
}
