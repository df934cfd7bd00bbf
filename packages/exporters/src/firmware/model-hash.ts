/** A stable SHA-256 of a DeployGraph: its JSON structure with every typed array hashed in place. */
import { createHash } from 'node:crypto';
import type { DeployGraph } from '@bnn-studio/bnn-core';

export function deployGraphSha256(deploy: DeployGraph): string {
  const hash = createHash('sha256');
  const json = JSON.stringify(deploy, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      const v = value as unknown as {
        constructor: { name: string };
        buffer: ArrayBuffer;
        byteOffset: number;
        byteLength: number;
      };
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return { type: v.constructor.name, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    return value;
  });
  return hash.update(json).digest('hex');
}
