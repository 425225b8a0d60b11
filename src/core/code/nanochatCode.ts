// The Python for a nanochat step opened whole (through its meta_<step>.json): nanochat loads the
// step file by file (checkpoint_manager.py load_checkpoint), so the code does too: the model file
// for inference; for resuming, also the optimizer file of the rank that runs it.
import { basename, dirname } from 'node:path';
import type { InspectReport } from '../inspect/report';
import { BUILD_MODEL, mapLocation, safetyComments, stripLines } from './codeParts';
import { pyString } from './pyString';

/** The step a report of a nanochat step was opened through: its folder and padded step; else undefined. */
function stepOf(report: InspectReport, path: string): { folder: string; padded: string } | undefined {
  const m = /^meta_(\d+)\.json$/.exec(basename(path));
  return m && report.shards && /^step \d+$/.test(report.shards.index) ? { folder: dirname(path), padded: m[1]! } : undefined;
}

/** `safety`: the report's warnings, which speak for every file of the step (resume loads them all). */
function modelLines(report: InspectReport, step: { folder: string; padded: string }, what: string, safety: boolean): string[] {
  const where = mapLocation(report);
  return [
    'import os',
    'import torch',
    '',
    `# ${what} nanochat step ${Number(step.padded)}, file by file as nanochat's load_checkpoint reads it (${report.format}, verdict: ${report.security.verdict}).`,
    `folder = ${pyString(step.folder)}`,
    ...(safety ? safetyComments(report, `step ${step.padded}`) : []),
    ...(where.comment ? [where.comment] : []),
    `model_state = torch.load(os.path.join(folder, ${pyString(`model_${step.padded}.pt`)}), ${where.arg}weights_only=True)`,
    ...stripLines(report, 'model_state'),
  ];
}

/** Copy load code for a nanochat step: its model file's weights. */
export function nanochatLoadCode(report: InspectReport, path: string): string | undefined {
  const step = stepOf(report, path);
  if (!step) return undefined;
  return `${[...modelLines(report, step, 'The model weights of', false), `# meta_${step.padded}.json holds model_config, the architecture's settings.`, BUILD_MODEL, 'model.load_state_dict(model_state)', 'model.eval()'].join('\n')}\n`;
}

/** Copy resume code for a nanochat step: the model, and each rank its own optimizer file. */
export function nanochatResumeCode(report: InspectReport, path: string): string | undefined {
  const step = stepOf(report, path);
  if (!step) return undefined;
  const ranks = report.shards!.files.length - 1;
  const lines = [...modelLines(report, step, 'Resumes training from', true), '# model and optimizers: built as the run built them, before loading their state.', 'model.load_state_dict(model_state)'];
  if (ranks > 0) {
    lines.push(
      `# Each of the ${ranks} rank${ranks === 1 ? '' : 's'} loads its own optimizer state (a list, one state dict per optimizer).`,
      'rank = int(os.environ.get("RANK", 0))',
      `optimizer_data = torch.load(os.path.join(folder, f"optim_${step.padded}_rank{rank}.pt"), ${mapLocation(report).arg}weights_only=True)`,
      'for optimizer, state in zip(optimizers, optimizer_data):',
      '    optimizer.load_state_dict(state)',
    );
  } else lines.push('# The step saved no optimizer state: the optimizers start afresh.');
  lines.push(`with open(os.path.join(folder, ${pyString(`meta_${step.padded}.json`)})) as f:`, '    meta = json.load(f)  # step, val_bpb, model_config, loop_state', `global_step = meta["step"]`);
  lines.splice(1, 0, 'import json');
  return `${lines.join('\n')}\n`;
}
