// The byte-level codecs ftfy's encoding repair needs, without Node's Buffer: the single-byte
// charmaps of chardata.CHARMAP_ENCODINGS (incl. ftfy's "sloppy" variants), Python's strict UTF-8
// and ftfy's "utf-8-variants" (bad_codecs/utf8_variants.py). Bytes are held as "binary strings"
// (one char per byte, U+0000-U+00FF) so that ftfy's byte regexes translate directly.
import { CHARMAPS } from './data.js';

export interface Charmap {
  readonly name: string;
  readonly sloppy: boolean;
  /** What each byte 0x00-0xFF decodes to. */
  readonly decodeTable: readonly string[];
  /** Inverse of decodeTable: character → byte. */
  readonly encodeTable: ReadonlyMap<string, number>;
}

function buildCharmap(name: string, high: string, sloppy: boolean): Charmap {
  const decodeTable: string[] = [];
  for (let b = 0; b < 0x80; b++) decodeTable.push(String.fromCharCode(b));
  if (sloppy) decodeTable[0x1a] = '\ufffd';
  decodeTable.push(...high);
  const encodeTable = new Map<string, number>();
  decodeTable.forEach((ch, b) => encodeTable.set(ch, b));
  return { name, sloppy, decodeTable, encodeTable };
}

/** chardata.CHARMAP_ENCODINGS, in ftfy's order. */
export const CHARMAP_ENCODINGS: readonly Charmap[] = CHARMAPS.map((c) => buildCharmap(c.name, c.high, c.sloppy));
const byName = new Map(CHARMAP_ENCODINGS.map((c) => [c.name, c]));
export const LATIN_1 = byName.get('latin-1')!;
export const SLOPPY_WINDOWS_1252 = byName.get('sloppy-windows-1252')!;

/** chardata.possible_encoding: could `text` have come from decoding bytes in this charmap? */
export function possibleEncoding(text: string, map: Charmap): boolean {
  for (const ch of text) if (!map.encodeTable.has(ch)) return false;
  return true;
}

export const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

/** `text.encode(charmap)` as a binary string; the caller has checked possibleEncoding. */
export function encodeCharmap(text: string, map: Charmap): string {
  let out = '';
  for (const ch of text) out += String.fromCharCode(map.encodeTable.get(ch)!);
  return out;
}

/** `bytes.decode(charmap)`; strict charmaps (no "sloppy-") reject bytes they leave undefined. */
export function decodeCharmap(bytes: string, map: Charmap): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += map.decodeTable[bytes.charCodeAt(i)];
  return out;
}

/** Strict Windows-1252 (Python's 'windows-1252'): bytes 0x81 0x8D 0x8F 0x90 0x9D are undefined. */
export function decodeWindows1252Strict(bytes: string): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    const ch = SLOPPY_WINDOWS_1252.decodeTable[b]!;
    // In the sloppy table an undefined C1 byte passes through as itself.
    if (b >= 0x80 && b < 0xa0 && ch.charCodeAt(0) === b) return null;
    out += ch;
  }
  return out;
}

const toBytes = (bin: string): Uint8Array => Uint8Array.from(bin, (c) => c.charCodeAt(0));
const utf8Encoder = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Python's strict UTF-8 decoding (TextDecoder rejects the same: overlongs, surrogates, > U+10FFFF); null on error. */
export function decodeUtf8(bin: string): string | null {
  try {
    return utf8Strict.decode(toBytes(bin));
  } catch {
    return null;
  }
}

/** A binary string of the UTF-8 encoding of `text`. */
export function encodeUtf8(text: string): string {
  let out = '';
  for (const b of utf8Encoder.encode(text)) out += String.fromCharCode(b);
  return out;
}

// utf8_variants.py: Python's bytes `$` matches at the end or before a final newline.
const END = '(?=\\n?$)';
const CESU8 = `(\\xed([\\xa0-\\xaf]|${END})([\\x80-\\xbf]|${END})(\\xed|${END})([\\xb0-\\xbf]|${END})([\\x80-\\xbf]|${END}))`;
const CESU8_RE = new RegExp(`^${CESU8}`);
const SPECIAL_BYTES_RE = new RegExp([`(\\xc0(\\x80|${END}))`, CESU8, `(\\xed([\\xa0-\\xbf]|${END})([\\x80-\\xbf]|${END}))`].join('|'));

/**
 * ftfy's "utf-8-variants": UTF-8 that also accepts CESU-8 surrogate pairs and Java's C0 80 for
 * U+0000 (IncrementalDecoder._buffer_decode with final=True, errors='strict'); null on error.
 */
export function decodeUtf8Variants(bin: string): string | null {
  let out = '';
  let rest = bin;
  while (rest.length) {
    const m = SPECIAL_BYTES_RE.exec(rest);
    if (!m) {
      const s = decodeUtf8(rest);
      return s === null ? null : out + s;
    }
    if (m.index > 0) {
      const s = decodeUtf8(rest.slice(0, m.index));
      if (s === null) return null;
      out += s;
      rest = rest.slice(m.index);
      continue;
    }
    if (rest.charCodeAt(0) === 0xc0) {
      if (rest.length < 2) return null; // a lone C0 is never valid UTF-8
      out += '\u0000';
      rest = rest.slice(2);
      continue;
    }
    // _buffer_decode_surrogates
    if (rest.length < 6) {
      const s = decodeUtf8(rest);
      return s === null ? null : out + s;
    }
    if (CESU8_RE.test(rest)) {
      const b = (i: number): number => rest.charCodeAt(i);
      out += String.fromCodePoint(((b(1) & 0x0f) << 16) + ((b(2) & 0x3f) << 10) + ((b(4) & 0x0f) << 6) + (b(5) & 0x3f) + 0x10000);
      rest = rest.slice(6);
      continue;
    }
    // Python decodes these 3 bytes non-finally: a lone surrogate, which strict UTF-8 rejects.
    const s = decodeUtf8(rest.slice(0, 3));
    if (s === null) return null;
    out += s;
    rest = rest.slice(3);
  }
  return out;
}
