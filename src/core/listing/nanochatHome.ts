// Where nanochat keeps its checkpoints, and which of its folders hold which kind.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunKind } from './listingTypes';

/** nanochat's folder for each kind, in training order. */
export const NANOCHAT_KIND_DIRS: readonly { kind: Exclude<RunKind, 'folder'>; dir: string }[] = [
  { kind: 'base', dir: 'base_checkpoints' },
  { kind: 'mid', dir: 'mid_checkpoints' },
  { kind: 'sft', dir: 'chatsft_checkpoints' },
  { kind: 'rl', dir: 'chatrl_checkpoints' },
];

/** The nanochat home: an explicit setting, else `$NANOCHAT_BASE_DIR`, else `~/.cache/nanochat`. */
export function resolveNanochatHome(setting: string | undefined, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const fromSetting = setting?.trim();
  if (fromSetting) return fromSetting.startsWith('~/') ? join(home, fromSetting.slice(2)) : fromSetting;
  const fromEnv = env.NANOCHAT_BASE_DIR?.trim();
  if (fromEnv) return fromEnv;
  return join(home, '.cache', 'nanochat');
}

/** Human names for the kinds, for labels and tables. */
export const KIND_LABELS: Record<RunKind, string> = {
  base: 'Base',
  mid: 'Mid-training',
  sft: 'SFT',
  rl: 'RL',
  folder: 'Folder',
};
