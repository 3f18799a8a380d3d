// ftfy's mojibake detector (badness.py BADNESS_RE, is_bad) and chardata.py UTF8_DETECTOR_RE,
// alternative for alternative. Python's `re` semantics are kept where JavaScript differs:
// `\s` and `\w` are Unicode there (PY_SPACE, PY_WORD below) and `.` is "anything but \n".
import { MOJIBAKE as M, UTF8_CLUES as U } from './data.js';

/** Python `re` `\s` (str.isspace). */
export const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** Python `re` `\w` (str.isalnum() or underscore). */
const PY_WORD = '[\\p{L}\\p{N}_]';

const cls = (...parts: string[]): string => `[${parts.join('')}]`;
const { c1, bad, law, currency, numeric, kaomoji, box, common } = M;
const startP = M.startPunctuation;
const endP = M.endPunctuation;
const lowerAcc = M.lowerAccented;
const upperAcc = M.upperAccented;
const arabic = cls(common, currency, bad, numeric, startP, 'ŸŠ®°µ»');

const BADNESS_ALTERNATIVES = [
  cls(c1),
  cls(bad, lowerAcc, upperAcc, box, startP, endP, currency, numeric, law) + cls(bad),
  '[a-zA-Z]' + cls(M.lowerCommon, M.upperCommon) + cls(bad),
  cls(bad) + cls(lowerAcc, upperAcc, box, startP, endP, currency, numeric, law),
  cls(lowerAcc, M.lowerCommon, box, endP, currency, numeric) + cls(upperAcc),
  cls(box, endP, currency, numeric) + cls(lowerAcc),
  cls(lowerAcc, box, endP) + cls(currency),
  PY_SPACE + cls(upperAcc) + cls(currency),
  cls(upperAcc, box) + cls(numeric, law),
  cls(lowerAcc, upperAcc, box, currency, endP) + cls(startP) + cls(numeric),
  cls(lowerAcc, upperAcc, currency, numeric, box, law) + cls(endP) + cls(startP),
  cls(currency, numeric, box) + cls(startP),
  '[a-z]' + cls(upperAcc) + cls(startP, currency),
  cls(box) + cls(kaomoji),
  cls(lowerAcc, upperAcc, currency, numeric, startP, endP, law) + cls(box),
  cls(box) + cls(endP),
  cls(lowerAcc, upperAcc) + cls(startP, endP) + PY_WORD,
  // The ligature œ when not followed by an unaccented Latin letter
  '[Œœ][^A-Za-z]',
  // Degree signs after capital letters
  cls(upperAcc) + '°',
  // Common Windows-1252 2-character mojibake that isn't covered by the cases above
  '[ÂÃÎÐ]' + cls('€œŠš¢£Ÿž\\xa0\\xad®©°·»', startP, endP, '–—´'),
  '×[²³]',
  // Windows-1252 mojibake of Arabic words, four characters
  '[ØÙ]' + arabic + '[ØÙ]' + arabic,
  // Windows-1252 mojibake starting 3-character sequences of some South Asian alphabets
  'à[²µ¹¼½¾]',
  // MacRoman mojibake
  '√[±∂†≠®™´≤≥¥µø]',
  '≈[°¢]',
  '‚Ä[ìîïòôúùû†°¢π]',
  '‚[âó][àä°ê]',
  // Windows-1251 mojibake of characters in the U+2000 range
  'вЂ',
  // Windows-1251 mojibake of Latin-1 characters and/or the Cyrillic alphabet
  '[ВГРС]' + cls(c1, bad, startP, endP, currency, '°µ') + '[ВГРС]',
  'ГўВЂВ[^\\n][A-Za-z ]',
  // Windows-1252 encodings of 'à' and 'á', and of \xa0 itself
  'Ã[\\xa0¡]',
  '[a-z]' + PY_SPACE + '?[ÃÂ][ ]',
  '^[ÃÂ][ ]',
  // Â before the very character it encodes
  cls('a-z.,?!', endP) + 'Â' + cls(' ', startP, endP),
  // Windows-1253 mojibake of characters in the U+2000 range
  'β€[™\\xa0Ά\\xad®°]',
  // Windows-1253 mojibake of Latin-1 characters and/or the Greek alphabet
  '[ΒΓΞΟ]' + cls(c1, bad, startP, endP, currency, '°') + '[ΒΓΞΟ]',
  // Windows-1257 mojibake of characters in the U+2000 range
  'ā€',
];

const BADNESS_RE = new RegExp(BADNESS_ALTERNATIVES.join('|'), 'u');

/** badness.is_bad: does the text contain a character sequence that is very likely mojibake? */
export const isBad = (text: string): boolean => BADNESS_RE.test(text);

/** badness.badness: how many such sequences (non-overlapping, leftmost first, as re.findall). */
export const badness = (text: string): number => text.match(new RegExp(BADNESS_RE.source, 'gu'))?.length ?? 0;

/** chardata.UTF8_DETECTOR_RE: runs of characters that look like UTF-8 read as a single-byte encoding. */
export const UTF8_DETECTOR_SOURCE =
  `(?<![${U.continuationStrict}])` +
  `(?:[${U.firstOf2}][${U.continuation}]|[${U.firstOf3}][${U.continuation}]{2}|[${U.firstOf4}][${U.continuation}]{3})+`;
