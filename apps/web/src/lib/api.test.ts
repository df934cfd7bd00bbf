import { describe, expect, it } from 'vitest';
import { ApiError, describeError } from './api';

describe('describeError', () => {
  it('keeps the fix of an API error', () => {
    const e = new ApiError(422, { code: 'bad', message: 'Bad input', fix: 'Change it' });
    expect(describeError(e)).toEqual({ message: 'Bad input', fix: 'Change it' });
  });
  it('describes plain errors and values', () => {
    expect(describeError(new Error('boom'))).toEqual({ message: 'boom' });
    expect(describeError('x')).toEqual({ message: 'x' });
  });
});
