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
}
