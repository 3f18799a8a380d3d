// Focused checks of each ported ftfy piece. Expected values are what ftfy 6.3.1 / Python 3.11
// return for the same input (many are ftfy's own docstring examples).
import { describe, expect, it } from 'vitest';
import { fixText, fixEncoding, decodeInconsistentUtf8 } from './fix-text.js';
import {
  fixC1Controls,
  fixCharacterWidth,
  fixLatinLigatures,
  fixLineBreaks,
  removeControlChars,
  removeTerminalEscapes,
  replaceLossySequences,
  restoreByteA0,
  uncurlQuotes,
  unescapeHtml,
} from './fixes.js';
import { pyHtmlUnescape } from './html.js';
import { isBad } from './badness.js';
import { CHARMAP_ENCODINGS, decodeUtf8, decodeUtf8Variants, encodeUtf8 } from './codecs.js';

describe('fixes.unescape_html (ftfy)', () => {
  it('decodes semicolon-terminated entities, numeric references and all-caps spellings', () => {
    expect(unescapeHtml('&lt;tag&gt;')).toBe('<tag>');
    expect(unescapeHtml('P&EACUTE;REZ')).toBe('P\u00c9REZ');
    expect(unescapeHtml('BUNDESSTRA&SZLIG;E')).toBe('BUNDESSTRASSE');
    expect(unescapeHtml('&ntilde; &Ntilde; &NTILDE; &nTILDE;')).toBe('\u00f1 \u00d1 \u00d1 &nTILDE;');
    expect(unescapeHtml('it&#x2019;s')).toBe('it\u2019s');
  });
  it('leaves semicolon-less and unknown entities alone', () => {
    expect(unescapeHtml('this&not that')).toBe('this&not that');
    expect(unescapeHtml('&notit;')).toBe('&notit;');
    expect(unescapeHtml('&#65')).toBe('&#65');
  });
});

describe('html.unescape (Python)', () => {
  const cases: Array<[string, string]> = [
    ['&amp;', '&'],
    ['&amp;amp;quot;', '&amp;quot;'],
    ['&reg', '\u00ae'],
    ['&notit;', '\u00acit;'],
    ['&ampx', '&x'],
    ['&#39;', "'"],
    ['&#65', 'A'],
    ['&#1;x', 'x'], // invalid code points are dropped
    ['&#x80;', '\u20ac'], // C1 numbers read as Windows-1252
    ['&#0;', '\ufffd'],
    ['&#55296;', '\ufffd'],
    ['&#99999999999;', '\ufffd'],
    ['&Tab;', '\t'],
    ['&#x1F600;', '\u{1f600}'],
  ];
  it.each(cases)('%j → %j', (input, want) => expect(pyHtmlUnescape(input)).toBe(want));
});

describe('single-character fixers', () => {
  it('uncurl_quotes', () => {
    expect(uncurlQuotes('\u201chere\u2019s a test\u201d')).toBe('"here\'s a test"');
    expect(uncurlQuotes('\u02bc\u201b\u201f')).toBe('\'\'"');
  });
  it('fix_character_width', () => {
    expect(fixCharacterWidth('\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33')).toBe('LOUD NOISES');
    expect(fixCharacterWidth('\uff35\uff80\uff70\uff9d')).toBe('U\u30bf\u30fc\u30f3');
  });
  it('fix_latin_ligatures', () => {
    expect(fixLatinLigatures('\ufb02u\ufb03e\ufb06')).toBe('fluffiest');
    expect(fixLatinLigatures('\u0133sje \u01f3 \u0149')).toBe('ijsje dz \u02bcn');
  });
  it('fix_c1_controls reads C1 controls as Windows-1252, keeping the undefined ones', () => {
    expect(fixC1Controls('\u0080\u0081\u0082 a\u0085b')).toBe('\u20ac\u0081\u201a a\u2026b');
  });
  it('fix_line_breaks', () => {
    expect(fixLineBreaks('a\r\nb\rc\u2028d\u2029e\u0085f')).toBe('a\nb\nc\nd\ne\nf');
  });
  it('remove_control_chars keeps tab, newline, form feed and CR', () => {
    expect(removeControlChars('a\u0007b\u000bc\t\n\f\r\u007f\u206a\ufeff\ufffc\ufff9d')).toBe('abc\t\n\f\rd');
  });
  it('remove_terminal_escapes', () => {
    expect(removeTerminalEscapes('\u001b[36;44mI\'m blue\u001b[0m')).toBe("I'm blue");
    expect(removeTerminalEscapes('\u001b[x')).toBe('');
    expect(removeTerminalEscapes('\u001b]0;')).toBe('\u001b]0;');
  });
});

describe('byte-level transcoders', () => {
  it('restore_byte_a0 turns a space back into 0xA0 inside UTF-8 sequences, and "Ã " into "à "', () => {
    expect(restoreByteA0('voil\xc3 le')).toBe('voil\xc3\xa0 le');
    expect(restoreByteA0('\xe2 \x94')).toBe('\xe2\xa0\x94');
    expect(restoreByteA0('\xc3 s ')).toBe('\xc3\xa0s ');
  });
  it('replace_lossy_sequences replaces UTF-8 sequences that lost bytes with U+FFFD', () => {
    expect(replaceLossySequences('\xe2\x80\x1a')).toBe('\xef\xbf\xbd');
    expect(replaceLossySequences('\xc3?')).toBe('\xef\xbf\xbd');
    expect(replaceLossySequences('abc')).toBe('abc');
  });
  it('utf-8-variants decodes CESU-8 pairs and Java nulls; strict UTF-8 does not', () => {
    const cesu = '\xed\xa0\xbd\xed\xb8\x80'; // U+1F600 as two encoded surrogates
    expect(decodeUtf8(cesu)).toBeNull();
    expect(decodeUtf8Variants(cesu)).toBe('\u{1f600}');
    expect(decodeUtf8Variants('a\xc0\x80b')).toBe('a\u0000b');
    expect(decodeUtf8Variants('\xed\xa0\x80')).toBeNull();
    expect(decodeUtf8Variants(encodeUtf8('h\u00e9 \u{1f600}'))).toBe('h\u00e9 \u{1f600}');
  });
  it('tries the same single-byte encodings as ftfy, in its order', () => {
    expect(CHARMAP_ENCODINGS.map((c) => c.name)).toEqual([
      'latin-1', 'sloppy-windows-1252', 'sloppy-windows-1251', 'sloppy-windows-1250', 'sloppy-windows-1253',
      'sloppy-windows-1254', 'sloppy-windows-1257', 'iso-8859-2', 'macroman', 'cp437',
    ]);
  });
});

describe('badness.is_bad', () => {
  it.each([
    ['r\u00c3\u00a9sum\u00c3\u00a9', true],
    ['\u00c3 la', true],
    ['l\u2019\u00c3\u00a9t\u00c3\u00a9', true],
    ['\u00d0\u0153\u00d0\u00be', true],
    ['\u00d7\u00b2', true],
    ['r\u00e9sum\u00e9', false],
    ['na\u00efve caf\u00e9', false],
    ['\u00b0C', false],
    ['\u2714', false],
    ['\u041c\u043e\u0441\u043a\u0432\u0430', false],
  ])('%j → %s', (text, bad) => expect(isBad(text)).toBe(bad));
});

describe('fix_encoding (mojibake repair)', () => {
  it('undoes UTF-8 read as Windows-1252 or Latin-1', () => {
    expect(fixEncoding('r\u00c3\u00a9sum\u00c3\u00a9')).toBe('r\u00e9sum\u00e9');
    expect(fixEncoding('5\u00c2\u00b0C')).toBe('5\u00b0C');
    expect(fixEncoding('\u00c3\u02dcrsted')).toBe('\u00d8rsted');
    expect(fixEncoding('\u00e2\u0153\u201d No problems')).toBe('\u2714 No problems');
  });
  it('restores a 0xA0 byte that became a space', () => {
    expect(fixEncoding('voil\u00c3  le travail')).toBe('voil\u00e0 le travail');
    expect(fixEncoding('\u00c3 la mode')).toBe('\u00e0 la mode');
  });
  it('decodes mojibake that lost bytes to U+FFFD as U+FFFD', () => {
    expect(fixEncoding('\u00e2\u20ac\u0153 like this \u00e2\u20ac\ufffd')).toBe('\u201c like this \ufffd');
  });
  it('fixes embedded mojibake on its own when the whole string cannot be re-decoded (decode_inconsistent_utf8)', () => {
    const mixed = 'the caf\u00c3\u00a9 and \u00d0\u0153\u00d0\u00be\u00d1';
    expect(decodeInconsistentUtf8(mixed)).toBe('the caf\u00e9 and \u041c\u043e\u00d1');
    expect(fixEncoding(mixed)).toBe('the caf\u00e9 and \u041c\u043e\u00d1');
  });
  it('leaves correct text alone', () => {
    for (const t of ['caf\u00e9', 'na\u00efve', '\u00bfQu\u00e9?', '\u00c5se', 'ASCII only']) expect(fixEncoding(t)).toBe(t);
  });
});

describe('fix_text', () => {
  it('applies the fixers together, to a fixed point', () => {
    expect(fixText('Broken text&hellip; it&#x2019;s \ufb02ubberi\ufb01c!')).toBe("Broken text\u2026 it's flubberific!");
    expect(fixText('\u001b[31mred\u001b[0m')).toBe('red');
    expect(fixText('of\u000bmy car')).toBe('ofmy car');
  });
  it('stops decoding HTML entities from the first line that contains "<"', () => {
    expect(fixText('x < y &amp; z')).toBe('x < y &amp; z');
    expect(fixText('a &amp; b\n<p>\n&amp;')).toBe('a & b\n<p>\n&amp;');
  });
});
