// The CLI's text output: what a checkpoint or a folder names (keys, values, globals, file names) is
// untrusted, so a terminal is shown its hidden and reordering characters as escapes, as the
// inspector shows them (core/visibleText.ts). JSON output is left exact: a program reads it.
import { visibleText } from '../core/visibleText';

export function writeText(text: string): void {
  process.stdout.write(visibleText(text, { keepLineBreaks: true }));
}
