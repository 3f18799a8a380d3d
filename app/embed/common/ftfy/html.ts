// HTML entity decoding exactly as CLIP's Python sees it: `html.unescape` from Python's standard
// library, and ftfy's more cautious `fixes.unescape_html`. Named entities come from the `entities`
// package (the WHATWG table, which is Python's html5 table); the rules around them are Python's.
import { decodeHTML, decodeHTMLStrict, DecodingMode } from 'entities';
import { SLOPPY_WINDOWS_1252 } from './codecs.js';

// html._charref: numeric references, or up to 32 name characters with an optional `;`.
const CHARREF_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function numericCharref(num: number): string {
  // html._invalid_charrefs: NUL, CR, and C1 bytes read as Windows-1252 (undefined ones kept as is).
  if (num === 0x00) return '\ufffd';
  if (num === 0x0d) return '\r';
  if (num >= 0x80 && num <= 0x9f) return SLOPPY_WINDOWS_1252.decodeTable[num]!;
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  // html._invalid_codepoints become nothing.
  if ((num >= 0x1 && num <= 0x8) || (num >= 0xe && num <= 0x1f) || (num >= 0x7f && num <= 0x9f)) return '';
  if ((num >= 0xfdd0 && num <= 0xfdef) || num === 0xb || (num & 0xfffe) === 0xfffe) return '';
  return String.fromCodePoint(num);
}

function replaceCharref(_m: string, s: string): string {
  if (s[0] === '#') {
    const hex = s[1] === 'x' || s[1] === 'X';
    const digits = s.slice(hex ? 2 : 1).replace(/;$/, '');
    // Arbitrarily long digit strings are only ever compared with 0x10FFFF, so a float is enough.
    return numericCharref(parseInt(digits, hex ? 16 : 10));
  }
  // Named: the whole name if it is an entity, else its longest prefix that is a legacy
  // (semicolon-less) entity followed by the rest, else unchanged. This is the WHATWG rule the
  // `entities` package implements in its legacy (text) mode, applied to this one reference.
  return decodeHTML(`&${s}`, DecodingMode.Legacy);
}

/** Python's `html.unescape`. */
export function pyHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF_RE, replaceCharref);
}

/** Is `&name;` one of the HTML5 entities whose name ends in a semicolon? Then its value. */
function html5Entity(ref: string): string | null {
  const decoded = decodeHTMLStrict(ref);
  return decoded === ref ? null : decoded;
}

// ftfy chardata.HTML_ENTITY_RE
const FTFY_ENTITY_RE = /&#?[0-9A-Za-z]{1,24};/g;

function ftfyUnescapeFixup(ref: string): string {
  if (ref.startsWith('&#')) {
    const unescaped = pyHtmlUnescape(ref);
    // Only if html.unescape consumed the semicolon.
    return unescaped.includes(';') ? ref : unescaped;
  }
  const exact = html5Entity(ref);
  if (exact !== null) return exact;
  // chardata._build_html_entities: an all-caps spelling of a lowercase entity name decodes to its
  // value in capitals, unless that spelling is something html.unescape would decode itself.
  const name = ref.slice(1, -1);
  const lower = name.toLowerCase();
  if (lower.toUpperCase() !== name || lower === name) return ref;
  const value = html5Entity(`&${lower};`);
  if (value === null || pyHtmlUnescape(ref) !== ref) return ref;
  return value.toUpperCase();
}

/**
 * ftfy fixes.unescape_html: decode `&name;` entities that end in a semicolon (plus all-caps
 * spellings like `&EACUTE;`) and numeric references; leaves semicolon-less ones such as `&not`.
 */
export function unescapeHtml(text: string): string {
  return text.replace(FTFY_ENTITY_RE, ftfyUnescapeFixup);
}
