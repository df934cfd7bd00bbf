import type { DeployGraph } from '@bnn-studio/bnn-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BnnFormatError } from '../errors.js';
import { crc32, crc32Reference } from './crc32.js';
import { BNN_MAGIC, FIELD } from './layout.js';
import { readBnn } from './read-bnn.js';
import { buildMixedGraph } from './test-graphs.js';
import { writeBnn } from './write-bnn.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof BnnFormatError) return e.code;
    throw e;
  }
  return 'ok';
}

/** Rewrites the CRC trailer so a deliberately edited file passes the checksum. */
function fixCrc(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  dv.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

const graph = buildMixedGraph(7);
const meta = { runId: 'run_42', dataset: 'mnist', accuracy: 0.934, extra: { preset: 'quicknet-tiny' } };

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it('slicing-by-8 agrees with the byte-at-a-time reference', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (b) => {
        expect(crc32(b)).toBe(crc32Reference(b));
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('.bnn round trip', () => {
  const bytes = writeBnn(graph, meta);
  const file = readBnn(bytes);

  it('gives back the same graph and provenance', () => {
    expect(file.graph).toEqual(graph);
    expect(file.meta).toMatchObject(meta);
    expect(file.meta.producer).toMatch(/bnn-studio/);
    expect(file.version).toEqual({ major: 1, minor: 5 });
    expect(file.numerics).toBe('float32');
  });

  it('returns typed arrays that are aligned views into the file bytes', () => {
    const op = file.graph.ops.find((o) => o.op === 'bconv2d')!;
    if (op.op !== 'bconv2d') throw new Error('unreachable');
    expect(op.filter).toBeInstanceOf(Int32Array);
    expect(op.filter.buffer).toBe(bytes.buffer);
    expect(op.filter.byteOffset % 16).toBe(0);
    const src = graph.ops.find((o) => o.op === 'bconv2d')!;
    if (src.op !== 'bconv2d') throw new Error('unreachable');
    // Little-endian words at the recorded offset: first filter word as bytes.
    const w = src.filter[0]!;
    const at = op.filter.byteOffset;
    expect([...bytes.subarray(at, at + 4)]).toEqual([
      w & 0xff,
      (w >>> 8) & 0xff,
      (w >>> 16) & 0xff,
      w >>> 24,
    ]);
  });

  it('is deterministic and stores the weights with a small overhead', () => {
    expect(writeBnn(graph, meta)).toEqual(bytes);
    expect(file.tensorBytes + file.overheadBytes).toBe(bytes.length);
    // Header JSON + table + padding stay a few KiB for a 9-op graph.
    expect(file.overheadBytes).toBeLessThan(4096);
    expect(bytes.length % 4).toBe(0);
  });

  it('starts with the magic and ends with the CRC of everything before it', () => {
    expect([...bytes.subarray(0, 8)]).toEqual([...BNN_MAGIC]);
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint32(bytes.length - 4, true)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
    expect(dv.getUint32(FIELD.fileLength, true)).toBe(bytes.length);
  });

  it('keeps the JSON header plain when asked (readable with any tool), compressed by default', () => {
    const plain = writeBnn(graph, meta, { compressHeader: false });
    const dv = new DataView(plain.buffer);
    expect(dv.getUint32(FIELD.flags, true)).toBe(0);
    const headerLength = dv.getUint32(FIELD.headerLength, true);
    const text = new TextDecoder().decode(plain.subarray(48, 48 + headerLength));
    expect(JSON.parse(text).meta.runId).toBe('run_42');
    expect(readBnn(plain).graph).toEqual(graph);
    expect(new DataView(bytes.buffer).getUint32(FIELD.flags, true)).toBe(1);
    expect(bytes.length).toBeLessThan(plain.length);
  });

  it('reads a file held at an unaligned offset (e.g. a pooled Node Buffer) by copying it', () => {
    const holder = new Uint8Array(bytes.length + 3);
    holder.set(bytes, 3);
    const again = readBnn(holder.subarray(3));
    expect(again.graph).toEqual(graph);
  });

  it('round-trips graphs of random sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 6, max: 10 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, size, channels, inChannels) => {
          const g = buildMixedGraph(seed, { size, channels, inChannels, classes: 3 });
          expect(readBnn(writeBnn(g, { runId: `r${seed}` })).graph).toEqual(g);
        },
      ),
      { seed: 20261122, numRuns: 25 },
    );
  });
});

describe('.bnn reader refuses bad files, saying which check failed', () => {
  const bytes = writeBnn(graph, meta);

  it('truncated', () => {
    expect(codeOf(() => readBnn(bytes.subarray(0, bytes.length - 1)))).toBe('truncated');
    expect(codeOf(() => readBnn(bytes.subarray(0, 20)))).toBe('truncated');
    expect(() => readBnn(bytes.subarray(0, 100))).toThrow(/truncated: it has 100 of its \d+ bytes/);
  });

  it('wrong magic (another format, or a text-mode transfer)', () => {
    const tflite = new Uint8Array(bytes);
    tflite.set(new TextEncoder().encode('\x1c\x00\x00\x00TFL3'), 0);
    expect(codeOf(() => readBnn(tflite))).toBe('bad_magic');
    expect(() => readBnn(tflite)).toThrow(/not a \.bnn file/);
    expect(codeOf(() => readBnn(new Uint8Array(0)))).toBe('truncated');
  });

  it('wrong version', () => {
    const v2 = new Uint8Array(bytes);
    new DataView(v2.buffer).setUint16(FIELD.versionMajor, 2, true);
    expect(codeOf(() => readBnn(fixCrc(v2)))).toBe('unsupported_version');
    expect(() => readBnn(v2)).toThrow(/version 2\.5; this reader reads version 1\.x.*Update BNN Studio/);
  });

  it('a 1.0 file (float ops summed in double then) is read unchanged and marked float64-accumulate', () => {
    const v10 = new Uint8Array(bytes);
    new DataView(v10.buffer).setUint16(FIELD.versionMinor, 0, true);
    const old = readBnn(fixCrc(v10));
    expect(old.version).toEqual({ major: 1, minor: 0 });
    expect(old.numerics).toBe('float64-accumulate');
    expect(old.graph).toEqual(readBnn(bytes).graph);
    // a newer minor is read as float32 too
    const v17 = new Uint8Array(bytes);
    new DataView(v17.buffer).setUint16(FIELD.versionMinor, 7, true);
    expect(readBnn(fixCrc(v17)).numerics).toBe('float32');
  });

  it('unknown feature flags', () => {
    const f = new Uint8Array(bytes);
    new DataView(f.buffer).setUint32(FIELD.flags, 0x3, true);
    expect(codeOf(() => readBnn(fixCrc(f)))).toBe('unsupported_version');
    expect(() => readBnn(f)).toThrow(/feature flags 0x3/);
  });

  it('a compressed header that does not inflate', () => {
    const f = new Uint8Array(bytes);
    f.fill(0xff, 48, 60);
    expect(codeOf(() => readBnn(fixCrc(f)))).toBe('bad_header');
  });

  it('corrupt (CRC)', () => {
    const flipped = new Uint8Array(bytes);
    flipped[bytes.length - 40]! ^= 0x10;
    expect(codeOf(() => readBnn(flipped))).toBe('crc_mismatch');
    expect(() => readBnn(flipped)).toThrow(/corrupt: CRC-32/);
  });

  it('oversized (configurable cap)', () => {
    expect(codeOf(() => readBnn(bytes, { maxBytes: 1000 }))).toBe('too_large');
    expect(() => readBnn(bytes, { maxBytes: 1000 })).toThrow(/raise the cap/);
    expect(readBnn(bytes, { maxBytes: bytes.length }).graph.name).toBe(graph.name);
  });

  it('trailing bytes', () => {
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(codeOf(() => readBnn(longer))).toBe('trailing_bytes');
  });

  it('a consistent checksum over an inconsistent header', () => {
    // Written plain, then edited (outChannels 32 → 33) and re-checksummed: the filter length no longer matches.
    const plain = writeBnn(graph, meta, { compressHeader: false });
    const dv = new DataView(plain.buffer);
    const len = dv.getUint32(FIELD.headerLength, true);
    const text = new TextDecoder().decode(plain.subarray(48, 48 + len));
    const edited = text.replace('"outChannels":32', '"outChannels":33');
    expect(edited).not.toBe(text);
    plain.set(new TextEncoder().encode(edited), 48);
    expect(codeOf(() => readBnn(fixCrc(plain)))).toBe('bad_header');
    expect(() => readBnn(plain)).toThrow(/filter has \d+ elements, expected/);
  });

  it('the writer refuses zero-padding with a bit-packed output (LCE cannot compute it)', () => {
    const g: DeployGraph = structuredClone(graph);
    const op = g.ops.find((o) => o.op === 'bconv2d' && o.transform.kind === 'bitpacked')!;
    if (op.op !== 'bconv2d') throw new Error('unreachable');
    op.padValue = 0;
    expect(() => writeBnn(g)).toThrow(/bit-packed output with zero-padding \('same', padValue 0\)/);
  });

  it('the writer refuses an inconsistent graph instead of writing a file no reader accepts', () => {
    const g: DeployGraph = structuredClone(graph);
    const op = g.ops.find((o) => o.op === 'bconv2d')!;
    if (op.op !== 'bconv2d') throw new Error('unreachable');
    op.outChannels += 1;
    expect(() => writeBnn(g)).toThrow(
      /writeBnn: the deploy graph is inconsistent: node "bconv1": filter has/,
    );
  });

  it('never accepts a truncated file or a flipped bit, and never throws anything but BnnFormatError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (len) => {
        expect(codeOf(() => readBnn(bytes.subarray(0, len)))).not.toBe('ok');
      }),
      { seed: 5, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
        const c = new Uint8Array(bytes);
        c[bit >> 3]! ^= 1 << (bit & 7);
        expect(codeOf(() => readBnn(c))).not.toBe('ok');
      }),
      { seed: 6, numRuns: 500 },
    );
  });

  it('rejects random garbage and header edits with a coded error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (junk) => {
        const withMagic = new Uint8Array(Math.max(junk.length, 8));
        withMagic.set(junk);
        withMagic.set(BNN_MAGIC);
        expect(codeOf(() => readBnn(junk))).not.toBe('ok');
        expect(codeOf(() => readBnn(withMagic))).not.toBe('ok');
      }),
      { seed: 7, numRuns: 300 },
    );
    // Edits of the fixed header, JSON and table behind a recomputed CRC: either still a valid file (e.g. a
    // changed character of a name) or a BnnFormatError — never a TypeError/RangeError from deep inside.
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 1200 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const c = new Uint8Array(bytes);
        c[at] = value;
        codeOf(() => readBnn(fixCrc(c)));
      }),
      { seed: 8, numRuns: 600 },
    );
  });
});
