// A Python string literal for generated code.

/** A Python string literal (JSON's escapes are Python's too). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}
