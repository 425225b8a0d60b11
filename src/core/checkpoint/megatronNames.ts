// The names Megatron-LM gives a checkpoint's parts (megatron/training/checkpointing.py:
// get_checkpoint_name, get_checkpoint_tracker_filename): `latest_checkpointed_iteration.txt`
// beside `iter_%07d/` (or `release/`) folders, each holding one
// `mp_rank_<tp>[_<pp>[_<ep>]]/model_optim_rng.pt` per model-parallel rank. Names only.

export const MEGATRON_TRACKER = 'latest_checkpointed_iteration.txt';
export const MEGATRON_RANK_FILE = 'model_optim_rng.pt';
export const MEGATRON_RELEASE = 'release';

const ITER_DIR = /^iter_(\d{7,})$/;
const RANK_DIR = /^mp_rank_(\d{2,})(?:_(\d{3,}))?(?:_(\d{3,}))?$/;

/** The iteration of an `iter_0000100` folder. */
export function parseMegatronIterDir(name: string): number | undefined {
  const m = ITER_DIR.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The ranks an `mp_rank_01_002` folder names: tensor rank, then pipeline (or expert), then expert. */
export function parseMegatronRankDir(name: string): number[] | undefined {
  const m = RANK_DIR.exec(name);
  return m ? m.slice(1).filter((x) => x !== undefined).map(Number) : undefined;
}

/** An iteration folder or a rank folder: parts of one Megatron checkpoint. */
export function isMegatronPartDir(name: string): boolean {
  return ITER_DIR.test(name) || RANK_DIR.test(name);
}

/** What the tracker file says: an iteration, `release`, or undefined when it says neither. */
export function parseMegatronTracker(text: string): number | 'release' | undefined {
  const t = text.trim();
  if (t === MEGATRON_RELEASE) return 'release';
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** The folder name the tracker's value stands for (`iter_0000020`, `release`). */
export function megatronIterDirName(latest: number | 'release'): string {
  return latest === 'release' ? MEGATRON_RELEASE : `iter_${String(latest).padStart(7, '0')}`;
}

/** A rank folder's name from its ranks: `mp_rank_01`, `mp_rank_01_001`. */
export function megatronRankDirName(ranks: readonly number[]): string {
  return `mp_rank_${ranks.map((r, i) => String(r).padStart(i === 0 ? 2 : 3, '0')).join('_')}`;
}

/** Every position of a grid of `sizes`, the first index slowest. */
export function* gridOf(sizes: readonly number[]): Generator<number[]> {
  const total = sizes.reduce((n, s) => n * s, 1);
  for (let k = 0; k < total; k++) {
    const ranks: number[] = [];
    let rest = k;
    for (let i = sizes.length - 1; i >= 0; i--) {
      ranks[i] = rest % sizes[i]!;
      rest = Math.floor(rest / sizes[i]!);
    }
    yield ranks;
  }
}

/**
 * The segments of the run folder a path inside a Megatron checkpoint belongs to (the folder that
 * holds its `iter_N/` or `release/`), given the path's segments; undefined outside one.
 */
export function megatronRunSegments(segs: readonly string[]): readonly string[] | undefined {
  for (let i = segs.length - 1; i >= 0; i--) {
    const name = segs[i]!;
    if (ITER_DIR.test(name)) return segs.slice(0, i);
    if (RANK_DIR.test(name)) return segs.slice(0, Math.max(0, i - 1));
  }
  return undefined;
}
