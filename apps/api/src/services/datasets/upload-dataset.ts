// Streams an uploaded dataset to <data>/datasets/<id>/ (files named by role, never by the client's filename),
// validates it, then records it. A rejected upload leaves neither files nor a row behind.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { DATASET_KINDS, uploadKindOf } from '../../contract/dataset-kinds.js';
import { ApiError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { formatZodIssues } from '../../lib/route.js';
import { DatasetUploadFields } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { DATASET_KIND_RULES } from './dataset-kinds.js';
import { idxHeaderGuard } from './decoded-budget.js';
import { datasetDto } from './dto.js';
import type { DatasetMeta } from './inspect-dataset.js';
import { decodeInThread, type StoredKind } from './stored-dataset.js';

const BUDGET_CODES: Record<string, { status: number; code: string }> = {
  pixel_budget: { status: 413, code: 'upload_pixel_budget' },
  image_too_large: { status: 413, code: 'image_too_large' },
  image_header: { status: 422, code: 'dataset_invalid' },
};

/**
 * Decodes the stored files in the dataset worker thread with the loader training uses (bnn-core/tf), after the
 * image-zip pixel budget is checked from the headers there; the server's event loop never decodes. A budget
 * refusal is a 413 naming the fix, a loader error (DatasetError) a 422.
 */
async function loadInThread(
  ctx: ServiceCtx,
  kind: StoredKind,
  dir: string,
  options: Record<string, unknown>,
) {
  try {
    return (
      await decodeInThread({
        source: 'upload',
        kind,
        dir,
        options,
        budget: { totalPixels: ctx.config.maxUploadPixels, imagePixels: ctx.config.maxImagePixels },
      })
    ).all;
  } catch (err) {
    const e = err as { message?: string; fix?: string; code?: string };
    const budget = BUDGET_CODES[e.code ?? ''];
    if (budget) throw new ApiError(budget.status, budget.code, e.message ?? String(err), e.fix);
    throw new ApiError(
      422,
      'dataset_invalid',
      `The dataset could not be loaded: ${e.message ?? String(err)}`,
      e.fix ?? 'Check the files and upload again.',
    );
  }
}

export interface UploadPart {
  filename: string;
  stream: MultipartFile['file'];
}

export async function uploadDataset(
  ctx: ServiceCtx,
  input: { parts: AsyncIterable<UploadPart>; fields: Record<string, string> },
) {
  const id = newId('ds');
  const tmp = join(ctx.config.dataDir, 'datasets', `.upload-${randomBytes(6).toString('hex')}`);
  mkdirSync(tmp, { recursive: true });
  const files: { filename: string; path: string }[] = [];
  try {
    for await (const part of input.parts) {
      const path = join(tmp, `file${files.length}`);
      // An IDX header announcing more than the decoded-dataset limit stops the upload here (413).
      await pipeline(part.stream, idxHeaderGuard(part.filename), createWriteStream(path));
      if ((part.stream as { truncated?: boolean }).truncated)
        throw new ApiError(
          413,
          'upload_too_large',
          `'${part.filename}' exceeds the upload limit of ${ctx.config.maxUploadBytes} bytes.`,
          'Upload a smaller file or raise BNN_STUDIO_MAX_UPLOAD_BYTES.',
        );
      files.push({ filename: part.filename, path });
    }
    const parsedFields = DatasetUploadFields.safeParse(input.fields);
    if (!parsedFields.success) {
      const { message, details } = formatZodIssues('fields', parsedFields.error);
      throw new ApiError(
        400,
        'invalid_request',
        message,
        'Use the fields name, kind (idx|zip|csv), labelColumn.',
        details,
      );
    }
    const opts = parsedFields.data;
    if (files.length === 0)
      throw new ApiError(
        400,
        'no_file',
        'The upload has no file.',
        'Send the dataset as a multipart file field.',
      );
    const kind = opts.kind ?? uploadKindOf(files[0]!.filename);
    if (!kind)
      throw new ApiError(
        400,
        'unknown_kind',
        `Cannot tell the dataset kind of '${files[0]!.filename}'.`,
        "Set the field kind to 'idx', 'zip' or 'csv'.",
      );
    const rules = DATASET_KIND_RULES[kind];
    rules.checkCount(files);
    let meta: DatasetMeta = await rules.inspect(files, { labelColumn: opts.labelColumn });
    rules.store(files, tmp);
    const stored = DATASET_KINDS[kind].stored;
    // Final check with the loader training will use (bnn-core/tf): decodes every sample.
    const loaded = await loadInThread(ctx, kind, tmp, meta.options ?? {});
    meta = {
      ...meta,
      samples: loaded.y.length,
      shape: loaded.shape,
      numClasses: loaded.numClasses,
      labels: loaded.labels,
    };
    const bytes = stored.reduce((s, f) => s + statSync(join(tmp, f)).size, 0);
    const finalDir = join(ctx.config.dataDir, 'datasets', id);
    renameSync(tmp, finalDir);
    try {
      const row = await ctx.db.dataset.create({
        data: {
          id,
          name: opts.name ?? files[0]!.filename.replace(/\.[^.]+$/, '').slice(0, 200),
          kind,
          status: 'ready',
          storagePath: `datasets/${id}`,
          bytes,
          samples: meta.samples,
          numClasses: meta.numClasses,
          shapeJson: JSON.stringify(meta.shape),
          labelsJson: JSON.stringify(meta.labels),
          optionsJson: JSON.stringify(meta.options ?? {}),
        },
      });
      return datasetDto(row);
    } catch (err) {
      rmSync(finalDir, { recursive: true, force: true });
      throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
