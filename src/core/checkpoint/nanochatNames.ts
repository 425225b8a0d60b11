// nanochat's file names (nanochat/checkpoint_manager.py): `model_%06d.pt`, `meta_%06d.json`,
// `optim_%06d_rank%d.pt`. Names only.

const NANOCHAT_MODEL = /^model_(\d+)\.pt$/;
const NANOCHAT_META = /^meta_(\d+)\.json$/;
const NANOCHAT_OPTIM = /^optim_(\d+)_rank(\d+)\.pt$/;

export type NanochatPart =
  | { part: 'model'; step: number }
  | { part: 'meta'; step: number }
  | { part: 'optim'; step: number; rank: number };

/** `model_000100.pt`, `meta_000100.json`, `optim_000100_rank3.pt`; undefined for anything else. */
export function parseNanochatName(name: string): NanochatPart | undefined {
  let m = NANOCHAT_MODEL.exec(name);
  if (m) return { part: 'model', step: Number(m[1]) };
  m = NANOCHAT_META.exec(name);
  if (m) return { part: 'meta', step: Number(m[1]) };
  m = NANOCHAT_OPTIM.exec(name);
  if (m) return { part: 'optim', step: Number(m[1]), rank: Number(m[2]) };
  return undefined;
}

/**
 * A glob of every file of the step `meta_<step>.json` names as one checkpoint (the model file,
 * the meta file, each rank's optimizer file), for a watcher; undefined for other names.
 */
export function stepFilesGlob(name: string): string | undefined {
  const m = NANOCHAT_META.exec(name);
  return m ? `{model_${m[1]}.pt,meta_${m[1]}.json,optim_${m[1]}_rank*.pt}` : undefined;
}
