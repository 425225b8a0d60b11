// The verdict for a checkpoint's globals against what this reader rebuilds as inert data: torch's
// tensor and storage reconstructions and the Python builtins the unpickler knows.
import type { SecurityReport } from './securityReport';
import type { CallLog } from '../values/callLog';
import { builtinReconstructions } from '../pickle/builtinReconstructions';
import { torchGlobals } from '../torch/torchReconstructions';
import { securityVerdict } from './verdict';

const knownGlobals: ReadonlySet<string> = new Set([...torchGlobals, ...builtinReconstructions.keys()]);

export function checkpointVerdict(globals: readonly string[], calls?: CallLog): SecurityReport {
  return securityVerdict(globals, knownGlobals, calls);
}
