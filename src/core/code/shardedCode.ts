// The Python that loads a Hugging Face sharded set (an index and its shards) as one state dict:
// the index's weight_map read, each shard loaded in turn (safetensors' load_file, or torch.load
// with weights_only=True for `pytorch_model-*.bin`) into one dict. From a URL the index and the
// shards are downloaded first (the Hub's snapshot_download, or urllib file by file).
import { dirname } from 'node:path';
import type { InspectReport } from '../inspect/report';
import { BUILD_MODEL, mapLocation, safetyComments, stripLines } from './codeParts';
import { downloadFolderLines, isUrl } from './downloadCode';
import { pyString } from './pyString';

type Shards = NonNullable<InspectReport['shards']>;

/** The folder that holds the set: `path` is its index (a file or URL) or the folder itself. */
function folderLines(shards: Shards, path: string): string[] {
  if (isUrl(path)) return downloadFolderLines(path, shards.index, shards.files.map((f) => f.file));
  return [`folder = ${pyString(/\.json$/i.test(path) ? dirname(path) : path.replace(/[\\/]+$/, ''))}`];
}

function shardLoader(report: InspectReport): { imports: string[]; comments: string[]; call: string } {
  if (report.format === 'safetensors') {
    return { imports: ['from safetensors.torch import load_file'], comments: ['# safetensors shards: no pickle, so nothing in them can run.'], call: 'load_file(os.path.join(folder, shard), device="cpu")' };
  }
  const where = mapLocation(report);
  return {
    imports: ['import torch'],
    comments: [...safetyComments(report, report.shards!.index.replace(/\.index\.json$/, '')), ...(where.comment ? [where.comment] : [])],
    call: `torch.load(os.path.join(folder, shard), ${where.arg}weights_only=True)`,
  };
}

/** Up to `state_dict`: every shard the index names, loaded into one dict. */
function mergedStateDict(report: InspectReport, path: string, what: string): string[] {
  const shards = report.shards!;
  const loader = shardLoader(report);
  return [
    'import json',
    'import os',
    ...loader.imports,
    '',
    `# ${what} the sharded set ${shards.index} (${shards.files.length} shards, ${report.format}, verdict: ${report.security.verdict}).`,
    ...folderLines(shards, path),
    ...loader.comments,
    `with open(os.path.join(folder, ${pyString(shards.index)})) as f:`,
    '    weight_map = json.load(f)["weight_map"]',
    'state_dict = {}',
    'for shard in sorted(set(weight_map.values())):',
    `    state_dict.update(${loader.call})`,
    ...stripLines(report, 'state_dict'),
  ];
}

const FROM_PRETRAINED = '# With transformers, and the model\'s config.json in the folder: AutoModel.from_pretrained(folder) does all of this.';

/** Python that loads the set's weights into `model` for inference. */
export function shardedLoadCode(report: InspectReport, path: string): string {
  return `${[...mergedStateDict(report, path, 'The model weights of'), FROM_PRETRAINED, BUILD_MODEL, 'model.load_state_dict(state_dict)', 'model.eval()'].join('\n')}\n`;
}

/** A sharded set holds weights only: the resume code loads them and says what starts afresh. */
export function shardedResumeCode(report: InspectReport, path: string): string {
  return `${[
    ...mergedStateDict(report, path, 'Resumes training from'),
    '# model, optimizer and scheduler: built as the run built them, before loading their state.',
    'model.load_state_dict(state_dict)',
    '# A sharded set written by save_pretrained holds weights only: no optimizer, scheduler or step; they start afresh.',
    'best_metric = None  # not recorded in this set',
  ].join('\n')}\n`;
}
