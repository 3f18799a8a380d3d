import { describe, expect, it } from 'vitest';
import { asSentence } from './format.js';

describe('asSentence', () => {
  it('capitalises an engine line and ends it with a full stop, once', () => {
    expect(asSentence("the weights of model 'x' changed: 3 photos will be re-indexed")).toBe("The weights of model 'x' changed: 3 photos will be re-indexed.");
    expect(asSentence('Already a sentence.')).toBe('Already a sentence.');
    expect(asSentence('  ')).toBe('');
  });
});
