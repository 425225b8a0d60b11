// Load code for a DeepSpeed ZeRO checkpoint: DeepSpeed's own zero_to_fp32 gathers the fp32
// weights from the ranks' partitions (torch.load of one file gets a 16-bit module or a partition).
// It needs DeepSpeed installed, and it unpickles DeepSpeed's classes with weights_only=False.
import { basename, dirname, join } from 'node:path';
import { parseDeepspeedName } from '../checkpoint/deepspeedNames';
import type { InspectReport } from '../inspect/report';
import { BUILD_MODEL } from './codeParts';
import { pyString } from './pyString';

/** A DeepSpeed folder opened as one checkpoint: its shards are the ZeRO files, its weights the assembled `fp32`. */
export function isDeepspeedSet(report: InspectReport): boolean {
  return report.modelKey === 'fp32' && report.shards !== undefined && report.shards.files.some((f) => parseDeepspeedName(f.file)?.role === 'optimizer');
}

/** `path` is the tag folder, one of its files, or the save folder holding `latest`. */
export function deepspeedLoadCode(report: InspectReport, path: string): string[] {
  const tag = report.shards!.index;
  const base = basename(path);
  const folder = parseDeepspeedName(base) ? dirname(path) : base === tag ? path : join(path, tag);
  return [
    'from deepspeed.utils.zero_to_fp32 import get_fp32_state_dict_from_zero_checkpoint',
    '',
    `# ${tag} is a DeepSpeed ZeRO checkpoint (verdict: ${report.security.verdict}): zero_to_fp32 gathers its fp32 weights from every rank's partition.`,
    "# It needs DeepSpeed installed and unpickles the files with weights_only=False: load only what you trust, or use Export for Inference, which writes the same fp32 weights running nothing.",
    `save_dir = ${pyString(dirname(folder))}`,
    BUILD_MODEL,
    `state_dict = get_fp32_state_dict_from_zero_checkpoint(save_dir, tag=${pyString(tag)})`,
    'model.load_state_dict(state_dict)',
    'model.eval()',
  ];
}
