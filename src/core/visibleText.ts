// Untrusted text made visible: a key, a value or a global from a checkpoint is shown with every
// character that would be invisible, or that reorders or hides the text around it, written as an
// escape (`\u202e`). `model_state_dict.\u202egnp.exe` must not read as `model_state_dict.exe.png`.
// The one implementation for the inspector, the tree, tooltips and the CLI's text output.

/**
 * Controls (C0, DEL, C1), format characters (the bidi embeddings, overrides and isolates
 * U+202A-U+202E and U+2066-U+2069, the marks U+200E/U+200F/U+061C, zero-width spaces and joiners,
 * the BOM, tags, the soft hyphen), line and paragraph separators, lone surrogates, and letters
 * that draw nothing (the Hangul fillers, Khmer's inherent vowels).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|\u115f|\u1160|\u17b4|\u17b5|\u3164|\uffa0/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\u202e`, `\u{e0041}`, `\n`: how one hidden character is shown. */
export function escapeCharacter(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface VisibleTextOptions {
  /** Keep line feeds as they are (for text that is laid out in lines, such as a tooltip). */
  keepLineBreaks?: boolean;
}

/** True when `text` holds a character that `visibleText` would escape. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** `text` with every hidden or reordering character written as an escape; other text unchanged. */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  // The common case (nothing to escape) costs one scan and no new string.
  if (!HIDDEN.test(text)) return text;
  return text.replace(HIDDEN_ALL, (ch) => (options.keepLineBreaks && ch === '\n' ? ch : escapeCharacter(ch)));
}

/**
 * `visibleText`, then cut to `max` characters with an ellipsis: for places that cannot scroll
 * (a CLI column, a notification). An escape is never cut in half.
 */
export function visibleClip(text: string, max: number): string {
  const shown = visibleText(text);
  if (shown.length <= max) return shown;
  let head = shown.slice(0, Math.max(0, max - 1));
  // Drop an escape that the cut would split (`\u20`, `\u{e00`, a lone `\`).
  head = head.replace(/\\(u(\{[0-9a-f]*|[0-9a-f]{0,3})?)?$/, '');
  return `${head}…`;
}

/** `visibleText` for Markdown (the tree's tooltips): the escapes, then Markdown's own characters escaped. */
export function markdownText(text: string): string {
  return visibleText(text).replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}
