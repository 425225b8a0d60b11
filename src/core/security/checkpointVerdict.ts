// The verdict for a checkpoint's globals against what this reader rebuilds as inert data: torch's
// tensor and storage reconstructions, the Python builtins the unpickler knows, and the dataclasses
// of a torch.distributed.checkpoint `.metadata` (whose Enum members pickle as getattr lookups).
import type { SecurityReport } from './securityReport';
import type { CallLog } from '../values/callLog';
import { builtinReconstructions } from '../pickle/builtinReconstructions';
import { torchGlobals } from '../torch/torchReconstructions';
import { DCP_ENUMS, DCP_METADATA_GLOBALS } from './dcpGlobals';
import { withoutEnumLookups } from './enumLookups';
import { securityVerdict } from './verdict';

const knownGlobals: ReadonlySet<string> = new Set([...torchGlobals, ...builtinReconstructions.keys(), ...DCP_METADATA_GLOBALS]);
/**
 * Beside getattr, a DCP `.metadata` names only its dataclasses, torch.Size and dtypes. torch's
 * rebuild functions are left out: `_rebuild_from_type_v2(func, …)` calls `func`, which could be getattr.
 */
const dcpAllowlist = {
  globals: new Set([...[...torchGlobals].filter((g) => !g.startsWith('torch._utils.') && !g.startsWith('torch._tensor.')), ...DCP_METADATA_GLOBALS]),
  enums: DCP_ENUMS,
};

/**
 * One pickle's globals and calls without builtins.getattr, when it names getattr only to look up
 * DCP enum members (enumLookups.ts); else undefined. For a reader that merges that pickle's
 * globals with other pickles' (whose torch rebuilds would keep the rule from applying).
 */
export function clearDcpEnumLookups(globals: readonly string[], calls: CallLog): { globals: string[]; calls: CallLog } | undefined {
  return withoutEnumLookups(globals, calls, dcpAllowlist);
}

export function checkpointVerdict(globals: readonly string[], calls?: CallLog): SecurityReport {
  const cleared = withoutEnumLookups(globals, calls, dcpAllowlist);
  if (!cleared) return securityVerdict(globals, knownGlobals, calls);
  // Judged without the enum lookups; the report still lists every global the pickle named.
  return { ...securityVerdict(cleared.globals, knownGlobals, cleared.calls), globals: [...globals] };
}
