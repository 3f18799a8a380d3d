import { describe, expect, it } from 'vitest';
import { decodeError } from './decode.js';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('decodeError', () => {
  it('classifies a truncated file even when another image’s libvips warning comes first', () => {
    // libvips has one error buffer per process: concurrent decodes can put another file's warning first
    const e = new Error('Warning: invalid chunk type in other.png\nVipsPngload: libspng read error: premature end of file\n');
    const x = decodeError(e, png, '/p/truncated.png');
    expect(x.code).toBe('decode-failed');
    expect(x.message).toBe('truncated or corrupt image data (VipsPngload: libspng read error: premature end of file)');
  });

  it('a decoder warning promoted to an error (sharp failOn) is damaged data, whatever else the buffer holds', () => {
    const x = decodeError(new Error('Warning treated as error due to failOn setting'), png);
    expect(x.message).toBe('truncated or corrupt image data (Warning treated as error due to failOn setting)');
  });

  it('quotes the first line that is not a warning when nothing is recognised', () => {
    const x = decodeError(new Error('Warning: something else\nVipsJpeg: bogus marker length'), png);
    expect(x.message).toBe('could not decode the image (VipsJpeg: bogus marker length)');
  });

  it('names the pixel limit', () => {
    expect(decodeError(new Error('Input image exceeds pixel limit'), png).code).toBe('too-large');
  });
});
