// Which file and folder names are checkpoints, and what their names say (step, epoch, role).
// Names only: nothing here touches the disk.

import { MEGATRON_TRACKER } from '../checkpoint/megatronNames';
import { parseNanochatName } from '../checkpoint/nanochatNames';
import { isShardIndexName } from '../checkpoint/shardIndex';
import { isDcpFileName } from './dcpNames';
import type { FileRole } from './listingTypes';

export const CHECKPOINT_EXTENSIONS = ['.pt', '.pth', '.ckpt', '.safetensors'];

// `.bin` is also nanoGPT's token data (`train.bin`, `val.bin`) and many other things, so only
// names that say "weights" count.
const BIN_WEIGHT_HINT = /(model|ckpt|checkpoint|weights|adapter|optim|state_dict)/i;

const HF_CHECKPOINT_DIR = /^checkpoint-(\d+)$/;

/** The N of a Hugging Face Trainer folder `checkpoint-N`. */
export function parseHfCheckpointDir(name: string): number | undefined {
  const m = HF_CHECKPOINT_DIR.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A single file that holds a checkpoint or weights: .pt .pth .ckpt .safetensors, weight-named .bin. */
export function isCheckpointFileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (CHECKPOINT_EXTENSIONS.some((ext) => lower.endsWith(ext))) return true;
  return lower.endsWith('.bin') && BIN_WEIGHT_HINT.test(lower);
}

/** A file a listing reads: a checkpoint file, one of nanochat's parts (its meta sidecars too), a DCP folder's, a shard index, Megatron's tracker. */
export function isListedFileName(name: string): boolean {
  return isCheckpointFileName(name) || parseNanochatName(name) !== undefined || isDcpFileName(name) || isShardIndexName(name) || name === MEGATRON_TRACKER;
}

/** Step and epoch as a name tells them: `epoch=1-step=20.ckpt`, `ckpt_1000.pt`, `epoch_2.pt`. */
export function parseStepEpoch(name: string): { step: number | null; epoch?: number } {
  const stem = name.replace(/\.[^.]+$/, '');
  const step = /(?:^|[^a-z])(?:global_step|step|iter|it|ckpt|checkpoint|model)[=_-]?(\d+)(?!.*\d)/i.exec(stem);
  const epoch = /(?:^|[^a-z])epoch[=_-]?(\d+)/i.exec(stem);
  const out: { step: number | null; epoch?: number } = { step: step ? Number(step[1]) : null };
  if (epoch) out.epoch = Number(epoch[1]);
  return out;
}

/** The role of a file inside a Hugging Face `checkpoint-N/` folder. */
export function hfFileRole(name: string): FileRole {
  const lower = name.toLowerCase();
  if (/^optimizer\.(pt|bin|safetensors)$/.test(lower)) return 'optimizer';
  if (/^(scheduler|rng_state.*|training_args|scaler)\.(pt|pth|bin)$/.test(lower)) return 'other';
  if (lower.endsWith('.json') || lower.endsWith('.txt') || lower.endsWith('.model')) return 'meta';
  if (isCheckpointFileName(lower)) return 'model';
  return 'other';
}

// One collator for every sort: `localeCompare` with options builds a new one per call. Made on
// first use: making it loads ICU's collation data, 11 ms of every CLI start-up when made on load.
let collator: Intl.Collator | undefined;

/** Natural order for names and tags: `d2` before `d10`, `epoch_2` before `epoch_10`. */
export function compareNames(a: string, b: string): number {
  return (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b);
}
