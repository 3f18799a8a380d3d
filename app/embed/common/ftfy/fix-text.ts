// ftfy 6.3.1's fix_text with its default TextFixerConfig (ftfy/__init__.py), as CLIP calls it:
// fix_text → fix_and_explain per line → fix_encoding → _fix_encoding_one_step_and_explain.
// Ported from ftfy (Apache-2.0, (c) Robyn Speer) because there is no JavaScript ftfy.
import { isBad, UTF8_DETECTOR_SOURCE } from './badness.js';
import { CHARMAP_ENCODINGS, decodeUtf8, decodeUtf8Variants, decodeWindows1252Strict, encodeCharmap, isAscii, LATIN_1, possibleEncoding } from './codecs.js';
import {
  ALTERED_UTF8_RE,
  fixC1Controls,
  fixCharacterWidth,
  fixLatinLigatures,
  fixLineBreaks,
  fixSurrogates,
  removeControlChars,
  removeTerminalEscapes,
  replaceLossySequences,
  restoreByteA0,
  uncurlQuotes,
  unescapeHtml,
} from './fixes.js';

const UTF8_DETECTOR_RE = new RegExp(UTF8_DETECTOR_SOURCE, 'u');
const UTF8_DETECTOR_RE_G = new RegExp(UTF8_DETECTOR_SOURCE, 'gu');

/** _fix_encoding_one_step_and_explain, without the explanation. */
function fixEncodingOneStep(text: string): string {
  if (text.length === 0 || isAscii(text) || !isBad(text)) return text;
  const possible = new Set<string>();
  // UTF-8 that was decoded with a single-byte encoding: re-encode and decode as UTF-8.
  for (const map of CHARMAP_ENCODINGS) {
    if (!possibleEncoding(text, map)) continue;
    possible.add(map.name);
    let bytes = encodeCharmap(text, map);
    if (map.name !== 'macroman' && ALTERED_UTF8_RE.test(bytes)) bytes = restoreByteA0(bytes);
    if (map.sloppy) bytes = replaceLossySequences(bytes);
    const variants = bytes.includes('\xed') || bytes.includes('\xc0');
    const fixed = variants ? decodeUtf8Variants(bytes) : decodeUtf8(bytes);
    if (fixed !== null) return fixed;
  }
  // UTF-8 mojibake embedded in otherwise fine text.
  if (UTF8_DETECTOR_RE.test(text)) {
    const fixed = decodeInconsistentUtf8(text);
    if (fixed !== text) return fixed;
  }
  // Latin-1 that was meant as Windows-1252. (ftfy's check for 'windows-1252' among the possible
  // encodings never succeeds: the list holds 'sloppy-windows-1252'.)
  if (possible.has(LATIN_1.name)) {
    const fixed = decodeWindows1252Strict(encodeCharmap(text, LATIN_1));
    if (fixed !== null && fixed !== text) return fixed;
  }
  if (/[\x80-\x9f]/.test(text)) return fixC1Controls(text);
  return text;
}

/** ftfy.fix_encoding: repeat the one-step repair until nothing changes. */
export function fixEncoding(text: string): string {
  for (;;) {
    const prev = text;
    text = fixEncodingOneStep(text);
    if (text === prev) return text;
  }
}

/** fixes.decode_inconsistent_utf8: fix each embedded mojibake run on its own. */
export function decodeInconsistentUtf8(text: string): string {
  return text.replace(UTF8_DETECTOR_RE_G, (sub) => (sub.length < text.length && isBad(sub) ? fixEncoding(sub) : sub));
}

/** fix_and_explain on one segment, with the default fixers in ftfy's order, to a fixed point. */
function fixSegment(text: string, unescape: boolean): string {
  for (;;) {
    const orig = text;
    if (unescape) text = unescapeHtml(text);
    text = fixEncoding(text);
    text = fixC1Controls(text);
    text = fixLatinLigatures(text);
    text = fixCharacterWidth(text);
    text = uncurlQuotes(text);
    text = fixLineBreaks(text);
    text = fixSurrogates(text);
    text = removeTerminalEscapes(text);
    text = removeControlChars(text);
    text = text.normalize('NFC');
    if (text === orig) return text;
  }
}

/**
 * ftfy.fix_text with default settings. Lines are fixed one at a time; HTML entities are decoded
 * until the first line that contains `<` (ftfy then assumes real HTML and stops for good).
 */
export function fixText(text: string): string {
  let out = '';
  let unescape = true;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl + 1;
    const segment = text.slice(pos, end);
    if (unescape && segment.includes('<')) unescape = false;
    out += fixSegment(segment, unescape);
    pos = end;
  }
  return out;
}
