// OpenAI CLIP's text cleaning (clip/simple_tokenizer.py: basic_clean + whitespace_clean + lower).
import { decodeHTML } from 'entities';

export function cleanClipText(text: string): string {
  let t = text.normalize('NFC');
  t = decodeHTML(decodeHTML(t));
  return t.replace(/\s+/gu, ' ').trim().toLowerCase();
}
