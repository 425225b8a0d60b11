// The 60,000-tensor checkpoint that bench/manyTensors.mjs and bench/manyTensorsFloor.mjs time
// (bench/make_many_tensors.py), written once into the tool cache, and how torch.load is timed on it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { python, runTimed } from './benchKit.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The file for `layers` blocks, made if it is not in the cache yet. */
export function manyTensorsFile(layers) {
  const cache = join(process.env.CHECKPOINT_MANAGER_CACHE ?? join(process.env.HOME ?? '/tmp', '.cache', 'checkpoint-manager-dev'), 'bench');
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `many_tensors_${layers}.pt`);
  if (!existsSync(file)) {
    // Written beside, then renamed: an interrupted run leaves no half file to be timed later.
    runTimed(python, [join(here, 'make_many_tensors.py'), String(layers), `${file}.part`]);
    renameSync(`${file}.part`, file);
  }
  return file;
}

/**
 * bench/torch_load.py's arguments for `file`: with weights_only=True when torch accepts the file
 * that way (torch 1.13 refuses the optimizer's float settings, so this file loads unrestricted there).
 */
export function torchLoadArgs(file) {
  const weightsOnly = spawnSync(python, ['-c', 'import sys, torch; torch.load(sys.argv[1], weights_only=True)', file], { stdio: 'ignore' }).status === 0;
  return { weightsOnly, args: [join(here, 'torch_load.py'), file, ...(weightsOnly ? ['weights_only'] : [])] };
}
