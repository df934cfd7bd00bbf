import { describe, expect, it } from 'vitest';
import { LargeJsonBody, parseCompleteJson, readLargeCompleteJson } from './complete-json.js';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('the JSON completion body parsed off the event loop', () => {
  it('decodes a non-empty base64 weights string into bytes that own their buffer, keeping the other fields', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff);
    const r = parseCompleteJson(
      utf8(
        JSON.stringify({ weights: Buffer.from(bytes).toString('base64'), finalAccuracy: 0.5, labels: ['a'] }),
      ),
    );
    expect(r.ok).toBe(true);
    const v = (r as { value: { weights: Uint8Array; finalAccuracy: number; labels: string[] } }).value;
    expect(v.weights).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(v.weights).equals(Buffer.from(bytes))).toBe(true);
    expect(v.weights.byteOffset === 0 && v.weights.byteLength === v.weights.buffer.byteLength).toBe(true);
    expect(v).toMatchObject({ finalAccuracy: 0.5, labels: ['a'] });
  });

  it('leaves weights that are not a non-empty string as they are (the schema reports them)', () => {
    for (const w of ['', 3, null, ['AAAA']])
      expect(parseCompleteJson(utf8(JSON.stringify({ weights: w })))).toEqual({
        ok: true,
        value: { weights: w },
      });
    expect(parseCompleteJson(utf8('[1,2]'))).toEqual({ ok: true, value: [1, 2] });
  });

  it('refuses invalid JSON and prototype keys as the default JSON parser does', () => {
    for (const text of [
      '',
      '{',
      '{"weights":"AAAA"',
      '{"__proto__":{"x":1}}',
      '{"a":{"constructor":{"prototype":{}}}}',
    ])
      expect(parseCompleteJson(utf8(text)), text).toEqual({ ok: false });
    expect(parseCompleteJson(utf8('{"constructor":1}'))).toEqual({ ok: true, value: { constructor: 1 } });
  });

  it('answers 400 invalid_json from the worker thread for a body that is not JSON', async () => {
    await expect(readLargeCompleteJson(new LargeJsonBody(utf8('{"weights": nope}')))).rejects.toMatchObject({
      status: 400,
      code: 'invalid_json',
    });
    const v = await readLargeCompleteJson(new LargeJsonBody(utf8('{"weights":"AAEC","epochs":2}')));
    expect(v).toEqual({ weights: new Uint8Array([0, 1, 2]), epochs: 2 });
  }, 30_000);
});
