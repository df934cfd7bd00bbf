import { crc32 } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { zipStore } from './zip-store';

describe('zipStore', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes local headers, data, a central directory and the end record that point at each other', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array(300).fill(7);
    const zip = zipStore([
      { name: 'cats/1.png', data: a },
      { name: 'dogs/1.png', data: b },
    ]);
    const v = new DataView(zip.buffer);
    const eocd = zip.length - 22;
    expect(v.getUint32(eocd, true)).toBe(0x06054b50);
    expect(v.getUint16(eocd + 10, true)).toBe(2);
    const cdOffset = v.getUint32(eocd + 16, true);
    const names: string[] = [];
    let p = cdOffset;
    for (let i = 0; i < 2; i++) {
      expect(v.getUint32(p, true)).toBe(0x02014b50);
      const len = v.getUint16(p + 28, true);
      const local = v.getUint32(p + 42, true);
      const size = v.getUint32(p + 20, true);
      const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + len));
      names.push(name);
      expect(v.getUint32(local, true)).toBe(0x04034b50);
      const data = zip.subarray(local + 30 + len, local + 30 + len + size);
      expect(crc32(data)).toBe(v.getUint32(p + 16, true));
      expect([...data]).toEqual([...(i === 0 ? a : b)]);
      p += 46 + len;
    }
    expect(names).toEqual(['cats/1.png', 'dogs/1.png']);
  });
});
