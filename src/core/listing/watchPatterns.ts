// The names a file watcher needs to see for the listing to stay true: checkpoint files, nanochat
// sidecars, Hugging Face `checkpoint-N` folders and their files, nanochat's kind and tag
// folders, and the runs' state files (pins and notes). Saving a source file or a log matches none
// of them.

import { MARKS_FILE } from '../marks/checkpointMarks';
import { CHECKPOINT_EXTENSIONS } from './checkpointNames';
import { NANOCHAT_KIND_DIRS } from './nanochatHome';

/** Glob patterns relative to a root, in VS Code's glob syntax. */
export const LISTED_NAME_PATTERNS: readonly string[] = [
  ...[...CHECKPOINT_EXTENSIONS, '.bin'].map((ext) => `**/*${ext}`),
  '**/meta_*.json',
  '**/.metadata',
  '**/*.distcp',
  `**/${MARKS_FILE}`,
  '**/checkpoint-*',
  '**/checkpoint-*/*',
  '**/latest_checkpointed_iteration.txt',
  '**/iter_*',
  ...NANOCHAT_KIND_DIRS.flatMap(({ dir }) => [dir, `${dir}/*`]),
];

/** The patterns as one glob (VS Code's braces do not nest, so the list stays flat). */
export const LISTED_NAMES_GLOB = `{${LISTED_NAME_PATTERNS.join(',')}}`;
