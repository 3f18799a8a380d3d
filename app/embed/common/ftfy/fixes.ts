// ftfy 6.3.1's individual fixers (fixes.py), each named after the Python function it mirrors.
import { SLOPPY_WINDOWS_1252, LATIN_1 } from './codecs.js';

export { unescapeHtml } from './html.js';

/** fixes.remove_terminal_escapes: ANSI escapes `ESC [ digits/; letter` (Python `\d` is any decimal digit). */
export const removeTerminalEscapes = (text: string): string => text.replace(/\x1b\[((?:\p{Nd}|;)*)([a-zA-Z])/gu, '');

/** fixes.uncurl_quotes (chardata SINGLE_QUOTE_RE / DOUBLE_QUOTE_RE). */
export const uncurlQuotes = (text: string): string => text.replace(/[\u201c-\u201f]/g, '"').replace(/[\u02bc\u2018-\u201b]/g, "'");

// chardata.LIGATURES
const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž',
  'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj',
  'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

/** fixes.fix_latin_ligatures */
export const fixLatinLigatures = (text: string): string => text.replace(LIGATURE_RE, (c) => LIGATURES[c]!);

// chardata._build_width_map: U+3000 → space, and every U+FF01-U+FFEF whose NFKC form differs.
const WIDTH_MAP = new Map<string, string>([['\u3000', ' ']]);
for (let cp = 0xff01; cp < 0xfff0; cp++) {
  const ch = String.fromCharCode(cp);
  const alt = ch.normalize('NFKC');
  if (alt !== ch) WIDTH_MAP.set(ch, alt);
}
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;

/** fixes.fix_character_width */
export const fixCharacterWidth = (text: string): string => text.replace(WIDTH_RE, (c) => WIDTH_MAP.get(c) ?? c);

/** fixes.fix_line_breaks */
export const fixLineBreaks = (text: string): string => text.replace(/\r\n|[\r\u2028\u2029\u0085]/g, '\n');

/** fixes.fix_surrogates: JavaScript strings hold valid pairs as one character already; lone halves become U+FFFD. */
export const fixSurrogates = (text: string): string => text.replace(/[\ud800-\udfff]/gu, '\ufffd');

/** fixes.remove_control_chars (chardata.CONTROL_CHARS) */
export const removeControlChars = (text: string): string => text.replace(/[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g, '');

/** fixes.fix_c1_controls: C1 controls read as the Windows-1252 characters they most likely were. */
export const fixC1Controls = (text: string): string =>
  text.replace(/[\x80-\x9f]/g, (c) => SLOPPY_WINDOWS_1252.decodeTable[LATIN_1.encodeTable.get(c)!]!);

// chardata.ALTERED_UTF8_RE (on bytes): UTF-8 sequences whose 0xA0 byte became a space.
export const ALTERED_UTF8_RE =
  /[\xc2\xc3\xc5\xce\xd0\xd9][ ]|[\xe2\xe3][ ][\x80-\x84\x86-\x9f\xa1-\xbf]|[\xe0-\xe3][\x80-\x84\x86-\x9f\xa1-\xbf][ ]|[\xf0][ ][\x80-\xbf][\x80-\xbf]|[\xf0][\x80-\xbf][ ][\x80-\xbf]|[\xf0][\x80-\xbf][\x80-\xbf][ ]/;
const ALTERED_UTF8_RE_G = new RegExp(ALTERED_UTF8_RE.source, 'g');
// fixes.A_GRAVE_WORD_RE: "Ã " as the word "à" (except Portuguese "às", "àquele", ...).
const A_GRAVE_WORD_RE = /\xc3 (?! |quele|quela|quilo|s )/g;

/** fixes.restore_byte_a0 (bytes as a binary string) */
export function restoreByteA0(bytes: string): string {
  return bytes.replace(A_GRAVE_WORD_RE, '\xc3\xa0 ').replace(ALTERED_UTF8_RE_G, (m) => m.replaceAll(' ', '\xa0'));
}

// chardata.LOSSY_UTF8_RE: UTF-8 sequences with bytes lost to U+FFFD (byte 0x1A in sloppy codecs) or '?'.
const LOSSY_UTF8_RE =
  /[\xc2-\xdf][\x1a]|[\xc2-\xc3][?]|\xed[\xa0-\xaf][\x1a?]\xed[\xb0-\xbf][\x1a?\x80-\xbf]|\xed[\xa0-\xaf][\x1a?\x80-\xbf]\xed[\xb0-\xbf][\x1a?]|[\xe0-\xef][\x1a?][\x1a\x80-\xbf]|[\xe0-\xef][\x1a\x80-\xbf][\x1a?]|[\xf0-\xf4][\x1a?][\x1a\x80-\xbf][\x1a\x80-\xbf]|[\xf0-\xf4][\x1a\x80-\xbf][\x1a?][\x1a\x80-\xbf]|[\xf0-\xf4][\x1a\x80-\xbf][\x1a\x80-\xbf][\x1a?]|\x1a/g;

/** fixes.replace_lossy_sequences (bytes as a binary string): such sequences become the UTF-8 of U+FFFD. */
export const replaceLossySequences = (bytes: string): string => bytes.replace(LOSSY_UTF8_RE, '\xef\xbf\xbd');
