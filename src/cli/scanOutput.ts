// The text `scan` prints: one line per file with its verdict and what made it so, the calls a
// dangerous one would make, and a last line of counts. Names from a pickle are a stranger's text:
// control and bidi characters are printed as escapes, so they cannot rewrite the terminal line.
import type { ScanCounts, ScannedFile } from './scanCommand';

/** C0/C1 controls, bidi embeddings, overrides and isolates, zero-width characters and the BOM. */
function invisible(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2060 && code <= 0x2069) || code === 0xfeff;
}

function visible(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    out += invisible(code) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

function fileLines(f: ScannedFile): string[] {
  const because = f.verdict === 'dangerous' ? f.dangerous : f.verdict === 'suspicious' ? f.suspicious : [];
  const lines = [`${f.error ? 'error' : f.verdict}`.padEnd(11) + visible(f.path) + (because.length ? `: ${because.map(visible).join(', ')}` : '')];
  if (f.error) lines.push(`           ${visible(f.error.message)}${f.verdict !== 'safe' ? ` (before that, its pickles made it ${f.verdict})` : ''}`);
  // Calls are inert text already (pyRepr escapes what is not printable).
  for (const call of f.calls ?? []) lines.push(`           would run ${call}`);
  if (f.callsOmitted) lines.push(`           … and ${f.callsOmitted} more such calls`);
  return lines;
}

export function scanSummaryText(files: readonly ScannedFile[], c: ScanCounts): string {
  const lines = files.flatMap(fileLines);
  lines.push(`scanned ${c.scanned} ${c.scanned === 1 ? 'file' : 'files'}: ${c.dangerous} dangerous, ${c.suspicious} suspicious, ${c.errors} unreadable`);
  return `${lines.join('\n')}\n`;
}
