// Content-addressed file store: <data>/artifacts/<sha[0..2]>/<sha256>. Writes go to a temp file then rename, so
// a reader never sees a partial file. Paths are derived only from validated hex digests (no traversal).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const SHA256 = /^[0-9a-f]{64}$/;

export class ArtifactStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'artifacts');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`artifact store: '${sha256}' is not a sha256 digest`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  put(bytes: Uint8Array): { sha256: string; bytes: number } {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256);
    if (!existsSync(file)) {
      mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    }
    return { sha256, bytes: bytes.byteLength };
  }

  has(sha256: string): boolean {
    return SHA256.test(sha256) && existsSync(this.pathOf(sha256));
  }

  read(sha256: string): Uint8Array {
    return new Uint8Array(readFileSync(this.pathOf(sha256)));
  }

  stream(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  /**
   * Stores bytes locally and, when a database blob table is given (Postgres mode: workers on other machines),
   * also in the database, so any process can read them back with `fetchShared`.
   */
  async putShared(bytes: Uint8Array, blobs?: BlobTable): Promise<{ sha256: string; bytes: number }> {
    const put = this.put(bytes);
    if (blobs) {
      const exists = await blobs.findUnique({ where: { sha256: put.sha256 }, select: { sha256: true } });
      if (!exists)
        await blobs
          .create({ data: { sha256: put.sha256, data: new Uint8Array(bytes) as Uint8Array<ArrayBuffer> } })
          .catch(async (err: unknown) => {
            // A concurrent writer stored the same content: fine.
            if (!(await blobs.findUnique({ where: { sha256: put.sha256 }, select: { sha256: true } })))
              throw err;
          });
    }
    return put;
  }

  /** Reads bytes from the local store, or from the database blob table (then caches them locally). */
  async fetchShared(sha256: string, blobs?: BlobTable): Promise<Uint8Array | null> {
    if (this.has(sha256)) return this.read(sha256);
    if (!blobs || !SHA256.test(sha256)) return null;
    const row = await blobs.findUnique({ where: { sha256 } });
    if (!row) return null;
    const bytes = new Uint8Array(row.data as Uint8Array);
    this.put(bytes);
    return bytes;
  }
}

/** The Prisma `blob` delegate (structural, so both generated clients fit). */
export interface BlobTable {
  findUnique(args: {
    where: { sha256: string };
    select?: { sha256: true };
  }): Promise<{ sha256: string; data?: Uint8Array } | null>;
  create(args: { data: { sha256: string; data: Uint8Array<ArrayBuffer> } }): Promise<unknown>;
}
