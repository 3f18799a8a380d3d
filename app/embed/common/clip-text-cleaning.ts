// OpenAI CLIP's text cleaning, what clip/simple_tokenizer.py does before byte-level BPE:
//   whitespace_clean(basic_clean(text)).lower()
//   basic_clean = ftfy.fix_text (ftfy 6.x defaults), html.unescape twice, strip
//   whitespace_clean = collapse `\s+` (the `regex` module: Unicode White_Space) to one space, strip
// Browser-safe: the renderer cleans search queries with it too.
import { fixText } from './ftfy/fix-text.js';
import { pyHtmlUnescape } from './ftfy/html.js';
import { PY_SPACE } from './ftfy/badness.js';

// Python's str.strip() strips str.isspace() characters (PY_SPACE).
const STRIP_RE = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu');
// `regex`'s `\s`: White_Space, i.e. JavaScript's `\s` less U+FEFF plus U+0085.
const WHITESPACE_RUN_RE = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;

/** The text CLIP's BPE sees: ftfy-fixed, HTML-unescaped, whitespace collapsed, lowercased. */
export function cleanClipText(text: string): string {
  let t = fixText(text);
  t = pyHtmlUnescape(pyHtmlUnescape(t)).replace(STRIP_RE, '');
  t = t.replace(WHITESPACE_RUN_RE, ' ').replace(STRIP_RE, '');
  return lowerLikePython311(t);
}

// Letters that gained lowercase mappings after Unicode 14.0 (Python 3.11's str.lower, which the
// reference ids come from, leaves them as they are; newer JavaScript engines lowercase them).
const CASED_AFTER_UNICODE_14 = /[\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;
const OTHER_RUNS = /[^\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]+/gu;

function lowerLikePython311(text: string): string {
  return CASED_AFTER_UNICODE_14.test(text) ? text.replace(OTHER_RUNS, (s) => s.toLowerCase()) : text.toLowerCase();
}
