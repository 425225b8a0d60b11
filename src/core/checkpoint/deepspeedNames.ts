// The file names DeepSpeed's engine gives a checkpoint's files inside `<save_dir>/<tag>/`
// (deepspeed/runtime/engine.py `_get_ckpt_name`, `_get_rank_zero_ckpt_name`): the model states
// (`mp_rank_<mp>_model_states.pt`, or per data-parallel rank under ZeRO-3
// `zero_pp_rank_<r>_mp_rank_<mp>_model_states.pt`) and one ZeRO optimizer partition per
// data-parallel rank (`[bf16_]zero_pp_rank_<r>_mp_rank_<mp>_optim_states.pt`). `latest` beside the
// tag folders names the newest tag.

/** The file `save_checkpoint` writes beside the tag folders, holding the newest tag. */
export const LATEST_FILE = 'latest';

const MODEL_STATES = /^(?:zero_pp_rank_(\d+)_)?mp_rank_(\d+)_model_states\.pt$/;
const OPTIM_STATES = /^(?:bf16_)?zero_pp_rank_(\d+)_mp_rank_(\d+)_optim_states\.pt$/;

export interface DeepspeedFileName {
  role: 'model' | 'optimizer';
  /** The data-parallel rank (`zero_pp_rank_<r>`); absent for stage 1/2's one model states file. */
  rank?: number;
  /** The model-parallel rank (`mp_rank_<mp>`). */
  mpRank: number;
}

/** What a DeepSpeed checkpoint file's name says, or undefined for any other name. */
export function parseDeepspeedName(name: string): DeepspeedFileName | undefined {
  const model = MODEL_STATES.exec(name);
  if (model) return { role: 'model', mpRank: Number(model[2]), ...(model[1] !== undefined ? { rank: Number(model[1]) } : {}) };
  const optim = OPTIM_STATES.exec(name);
  if (optim) return { role: 'optimizer', rank: Number(optim[1]), mpRank: Number(optim[2]) };
  return undefined;
}
