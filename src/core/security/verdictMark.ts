// What the Checkpoints tree shows for the verdicts on a checkpoint's files: one mark (the worst of
// them), its words for the description and for a screen reader, and a Markdown tooltip that names
// the globals. Plain data, so the extension maps it to a TreeItem without deciding anything.
import { plural } from '../format';
import { markdownText, visibleClip } from '../visibleText';
import type { SecurityReport } from './securityReport';

export interface FileVerdict extends SecurityReport {
  /**
   * Why the file could not be read (truncated, corrupt, not a checkpoint). The verdict is then
   * that of the globals its pickles named before the failure: a broken file can be hostile too.
   */
  error?: { message: string; code?: string };
}

export type MarkKind = 'dangerous' | 'suspicious' | 'broken';

export interface VerdictMark {
  kind: MarkKind;
  /** A codicon and the theme colour it is drawn in. */
  icon: string;
  iconColor: string;
  /** The word put before the row's description. */
  word: string;
  /** What a screen reader says after the row's own label. */
  ariaText: string;
  /** Markdown: one line per file that is not safe. */
  tooltip: string;
}

const LOOKS: Record<MarkKind, { icon: string; iconColor: string; word: string }> = {
  dangerous: { icon: 'error', iconColor: 'problemsErrorIcon.foreground', word: 'dangerous' },
  suspicious: { icon: 'warning', iconColor: 'problemsWarningIcon.foreground', word: 'suspicious' },
  broken: { icon: 'circle-slash', iconColor: 'problemsWarningIcon.foreground', word: 'unreadable' },
};

const RANK: Record<MarkKind, number> = { dangerous: 3, suspicious: 2, broken: 1 };

/** How many globals a tooltip or diagnostic names before it says "and N more". */
export const NAMED_GLOBALS = 8;

/** The mark one file deserves, or undefined when it is safe and readable. */
export function markKindOf(v: FileVerdict): MarkKind | undefined {
  if (v.verdict === 'dangerous') return 'dangerous';
  if (v.verdict === 'suspicious') return 'suspicious';
  return v.error ? 'broken' : undefined;
}

/** `posix.system, builtins.eval and 3 more`, as inert text (escaped for where it goes by the caller). */
export function globalsText(names: readonly string[], limit = NAMED_GLOBALS): string {
  const shown = names.slice(0, limit).map((n) => visibleClip(n, 120));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** The finding on one file in words: which globals, or why it cannot be read. */
export function findingText(v: FileVerdict): string {
  const kind = markKindOf(v);
  if (kind === 'dangerous') return `loading it would call ${globalsText(v.dangerous)}`;
  if (kind === 'suspicious') return `it imports ${plural(v.suspicious.length, 'class', 'classes')} this reader does not know: ${globalsText(v.suspicious)}`;
  if (kind === 'broken') return `it cannot be read: ${visibleClip(v.error!.message, 200)}`;
  return 'safe';
}

/** The mark for a checkpoint from its files' verdicts (files not scanned yet are left out). */
export function verdictMark(files: ReadonlyArray<{ name: string; verdict: FileVerdict }>): VerdictMark | undefined {
  const marked = files.map((f) => ({ ...f, kind: markKindOf(f.verdict) })).filter((f): f is typeof f & { kind: MarkKind } => f.kind !== undefined);
  if (marked.length === 0) return undefined;
  const kind = marked.reduce((worst, f) => (RANK[f.kind] > RANK[worst] ? f.kind : worst), marked[0].kind);
  const look = LOOKS[kind];
  const lines = ['**Security**', ''];
  for (const f of marked) lines.push(`- ${markdownText(f.name)}: **${LOOKS[f.kind].word}**, ${markdownText(findingText(f.verdict))}`);
  if (kind === 'dangerous') lines.push('', 'Never load it with `torch.load` outside a sandbox. The inspector shows what it would run.');
  const ariaText = kind === 'broken' ? 'cannot be read' : `security verdict ${look.word}`;
  return { kind, ...look, ariaText, tooltip: lines.join('\n') };
}
