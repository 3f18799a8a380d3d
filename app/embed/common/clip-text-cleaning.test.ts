import { describe, expect, it } from 'vitest';
import { cleanClipText } from './clip-text-cleaning.js';

// Expected values are OpenAI simple_tokenizer's whitespace_clean(basic_clean(text)).lower().
describe('cleanClipText', () => {
  it('collapses whitespace (incl. U+3000 and NBSP), strips and lowercases', () => {
    expect(cleanClipText('  Hello\u3000WORLD\t\n')).toBe('hello world');
    expect(cleanClipText('a\u00a0\u2003b')).toBe('a b');
    expect(cleanClipText('')).toBe('');
  });
  it('straightens curly quotes so contractions split as OpenAI does', () => {
    expect(cleanClipText('It\u2019s')).toBe("it's");
    expect(cleanClipText('we\u2018re')).toBe("we're");
  });
  it('unescapes HTML three levels deep (ftfy once, html.unescape twice)', () => {
    expect(cleanClipText('&amp;amp;quot;')).toBe('"');
    expect(cleanClipText('&reg')).toBe('\u00ae');
  });
  it('repairs mojibake before lowercasing', () => {
    expect(cleanClipText('R\u00c3\u00a9SUM\u00c3\u00a9')).toBe('r\u00e9sum\u00e9');
  });
  it('lowercases like Python: final sigma, dotted capital I', () => {
    expect(cleanClipText('\u039f\u0394\u039f\u03a3')).toBe('\u03bf\u03b4\u03bf\u03c2');
    expect(cleanClipText('\u0130stanbul')).toBe('i\u0307stanbul');
  });
  it('leaves letters cased only after Unicode 14 (Python 3.11) as they are', () => {
    expect(cleanClipText('A\ua7cbB')).toBe('a\ua7cbb');
  });
  it('keeps special-token literals, lowercased, for the tokenizer to decide', () => {
    expect(cleanClipText('<|ENDOFTEXT|>')).toBe('<|endoftext|>');
  });
});
