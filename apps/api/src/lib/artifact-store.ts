// Content-addressed file store: <data>/artifacts/<sha[0..2]>/<sha256>. Writes go to a temp file then rename, so
// a reader never sees a partial file. Paths are derived only from validated hex digests (no traversal).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const SHA256 = /^[0-9a-f]{64}$/;
/**
 * `put` hashes and writes this much at a time: each slice costs the event loop ~1 ms of hashing, and the loop
 * serves other requests while the slice is written (libuv's thread pool), so a 64 MiB artifact never holds it.
 */
export const PUT_SLICE_BYTES = 1024 * 1024;

export class ArtifactStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'artifacts');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`artifact store: '${sha256}' is not a sha256 digest`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Stores bytes under their SHA-256: hashed slice by slice while the slices are written to a temp file, which is
   * then renamed into place (or dropped when the content is already stored).
   */
  async put(bytes: Uint8Array): Promise<{ sha256: string; bytes: number }> {
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.incoming-${randomBytes(8).toString('hex')}.tmp`);
    const hash = createHash('sha256');
    const fh = await open(tmp, 'w');
    try {
      try {
        for (let at = 0; at < bytes.byteLength; at += PUT_SLICE_BYTES) {
          const slice = bytes.subarray(at, at + PUT_SLICE_BYTES);
          hash.update(slice);
          await fh.writeFile(slice); // at the handle's position, looping until the slice is written
        }
      } finally {
        await fh.close();
      }
      const sha256 = hash.digest('hex');
      const file = this.pathOf(sha256);
      if (existsSync(file)) await unlink(tmp);
      else {
        await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
        await rename(tmp, file);
      }
      return { sha256, bytes: bytes.byteLength };
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
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
    const put = await this.put(bytes);
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
    await this.put(bytes);
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
