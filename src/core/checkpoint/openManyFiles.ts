// A checkpoint of many files, whichever layout `spec` names (a path or a URL): a DCP folder or its
// `.metadata`, Accelerate's FSDP rank files, a Megatron iteration, a Hugging Face sharded set's
// index or folder, a DeepSpeed `global_stepN/` folder (or one of its files, or the folder holding
// `latest`), a nanochat step's `meta_<step>.json`.
// Undefined when `spec` is one file of its own. The session and the comparison both open through
// this, so every layout opens the same everywhere.
import { openDcpCheckpoint } from './dcpCheckpoint';
import { openDeepspeedCheckpoint } from './deepspeedCheckpoint';
import { deepspeedFolderOf } from './deepspeedLocation';
import { dcpMetadataOf } from './dcpLocation';
import { fsdpRankFilesOf, openFsdpRanks } from './fsdpRanks';
import { megatronIterationOf } from './megatronLocation';
import { openMegatronIteration } from './megatronRanks';
import { nanochatStepOf, openNanochatStep } from './nanochatStep';
import { openShardedCheckpoint } from './shardedCheckpoint';
import type { OpenedShards } from './shardedCheckpoint';
import { shardIndexOf } from './shardLocation';
import type { SourceSpec } from '../io/sourceSpec';

export interface OpenedSet {
  opened: OpenedShards;
  /** The file that names the set (its index, `.metadata` or first rank file; a DeepSpeed tag folder). */
  index: SourceSpec;
  /** The sidecar the set reads as a single file would (nanochat's meta_<step>.json). */
  sidecar?: { name: string; spec: SourceSpec };
}

export async function openManyFiles(spec: SourceSpec, signal?: AbortSignal): Promise<OpenedSet | undefined> {
  const dcp = await dcpMetadataOf(spec);
  if (dcp) return { index: dcp, opened: await openDcpCheckpoint(dcp, signal) };
  const ranks = await fsdpRankFilesOf(spec);
  if (ranks) return { index: { kind: 'file', path: ranks[0]! }, opened: await openFsdpRanks(ranks, signal) };
  const deepspeed = await deepspeedFolderOf(spec);
  if (deepspeed) return { index: { kind: 'file', path: deepspeed.folder }, opened: await openDeepspeedCheckpoint(deepspeed, signal) };
  const megatron = await megatronIterationOf(spec);
  if (megatron) return { index: { kind: 'file', path: megatron.files[0]!.path }, opened: await openMegatronIteration(megatron, signal) };
  const index = await shardIndexOf(spec);
  if (index) return { index, opened: await openShardedCheckpoint(index, signal) };
  const step = await nanochatStepOf(spec);
  if (step) return openNanochatStep(step, signal);
  return undefined;
}
