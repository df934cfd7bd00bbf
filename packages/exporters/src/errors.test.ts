import { describe, expect, it } from 'vitest';
import { BnnFormatError, ExportRefusedError } from './errors.js';

describe('errors', () => {
  it('ExportRefusedError names the layer, the rule and the fix', () => {
    const e = new ExportRefusedError({
      nodeId: 'conv3',
      rule: 'xcore.channels_in_multiple_of_32',
      message: 'channels_in is 48; xcore-opt needs a multiple of 32.',
      fix: 'Set the previous layer to 64 filters.',
      target: 'tflite-xcore',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ExportRefusedError');
    expect(e.nodeId).toBe('conv3');
    expect(e.rule).toBe('xcore.channels_in_multiple_of_32');
    expect(e.message).toContain('conv3');
    expect(e.message).toContain('64 filters');
  });
  it('BnnFormatError carries a code and a fix', () => {
    const e = new BnnFormatError('truncated', 'file ends at byte 10.', 'Re-export the model.');
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/^\.bnn reader: file ends/);
  });
});
