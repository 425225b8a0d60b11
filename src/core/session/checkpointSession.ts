// One open checkpoint: parsed once, its source kept open, answering requests until closed — the
// report, the report with every tensor's sha256, a tensor's bytes, its statistics, and the
// NaN/Inf scan. The CLI runs a session in its own process; the extension runs sessions in the
// session worker (sessionWorker.ts) and talks to them through SessionClient.
import { basename } from 'node:path';
import type { CompareSide } from '../compare/compareSide';
import type { RecordCrcs } from '../export/recordChecks';
import { openCheckpoint } from '../checkpoint/openCheckpoint';
import { openManyFiles } from '../checkpoint/openManyFiles';
import type { OpenedSet } from '../checkpoint/openManyFiles';
import { throwIfAborted } from '../errors';
import type { ReportParts } from '../inspect/describeCheckpoint';
import { describeParts, describeWith, walkForReport, withHashes } from '../inspect/describeCheckpoint';
import type { InspectReport } from '../inspect/report';
import type { Sidecar } from '../inspect/sidecar';
import { readSidecarFrom, sidecarSpecFor } from '../inspect/sidecar';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource, sourceName } from '../io/sourceSpec';
import type { KernelPool } from '../parallel/kernelPool';
import type { TensorPlan } from '../parallel/tensorPlan';
import type { TensorStats } from '../stats/tensorStats';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorChunks } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import type { TensorOccurrence } from '../torch/tensorWalk';
import type { PyOpaque } from '../values/pyValue';
import { recordCrcsIn } from './recordCrcs';
import { hashSession } from './sessionHashes';
import type { NonFiniteRow } from './sessionStats';
import { scanNonFinite, statsOf } from './sessionStats';
import { planFor } from './tensorPlans';
import type { WorkOptions } from './workOptions';

export interface SessionOptions {
  signal?: AbortSignal;
  /**
   * The sidecar to read: a name and where its bytes are; `null` for none. By default a file's
   * sidecar is looked for beside it (other sources have none unless given).
   */
  sidecar?: { name: string; spec: SourceSpec } | null;
  /** Kernel workers for hashing and big statistics; without them everything runs in place. */
  pool?: KernelPool;
  /** Work on fewer tensor bytes than this stays in place (default IN_PLACE_BYTES; tests use 0). */
  inPlaceBytes?: number;
}

/** A request named a tensor the checkpoint does not have. */
export class NoSuchTensorError extends Error {
  readonly code = 'no-such-tensor';
  override readonly name = 'NoSuchTensorError';
}

export class CheckpointSession {
  /**
   * Tensors by path, distinct tensors and each one's first path: made on the first request that
   * needs them, not at open (for 60,000 tensors, two maps a summary never reads).
   */
  private indexed: { byPath: Map<string, TensorOccurrence>; distinct: Array<PyOpaque<TensorRef>>; firstPath: Map<PyOpaque<TensorRef>, string> } | undefined;
  /** Plans made on first need: making one reads the record's local header. */
  private readonly plans = new Map<PyOpaque<TensorRef>, Promise<TensorPlan | undefined>>();
  private hashed: InspectReport | undefined;
  private closed = false;

  private constructor(
    readonly spec: SourceSpec,
    /** What closing the session closes: its file, or a sharded set's files. */
    private readonly source: { close(): Promise<void> },
    readonly checkpoint: LoadedCheckpoint,
    readonly occurrences: readonly TensorOccurrence[],
    private readonly parts: ReportParts,
    private readonly report: InspectReport,
    private readonly pool: KernelPool | undefined,
    private readonly inPlaceBytes: number | undefined,
  ) {}

  private get index(): NonNullable<CheckpointSession['indexed']> {
    if (!this.indexed) {
      const byPath = new Map<string, TensorOccurrence>();
      const distinct: Array<PyOpaque<TensorRef>> = [];
      const firstPath = new Map<PyOpaque<TensorRef>, string>();
      for (const o of this.occurrences) {
        if (!byPath.has(o.path)) byPath.set(o.path, o);
        if (!firstPath.has(o.tensor)) {
          firstPath.set(o.tensor, o.path);
          distinct.push(o.tensor);
        }
      }
      this.indexed = { byPath, distinct, firstPath };
    }
    return this.indexed;
  }

  /** Opens and parses the source. A CheckpointError thrown here carries what the pickles named. */
  static async open(spec: SourceSpec, options: SessionOptions = {}): Promise<CheckpointSession> {
    throwIfAborted(options.signal);
    const set = await openManyFiles(spec, options.signal);
    if (set) return CheckpointSession.openSharded(spec, set, options);
    const source = await openSource(spec);
    try {
      const checkpoint = await openCheckpoint(source);
      throwIfAborted(options.signal);
      const walk = walkForReport(checkpoint.root);
      const { occurrences } = walk;
      const sidecar = await readSessionSidecar(spec, options.sidecar);
      const name = basename(sourceName(spec));
      const parts = await describeParts({ file: sourceName(spec), name, size: source.size, checkpoint, occurrences, walk, sidecar });
      throwIfAborted(options.signal);
      return new CheckpointSession(spec, source, checkpoint, occurrences, parts, describeWith(parts), options.pool, options.inPlaceBytes);
    } catch (err) {
      await source.close();
      throw err;
    }
  }

  /** A sharded set, opened through its index (or DCP `.metadata`): one checkpoint of all the shards' tensors. */
  private static async openSharded(spec: SourceSpec, { index, opened, sidecar: own }: OpenedSet, options: SessionOptions): Promise<CheckpointSession> {
    try {
      const { checkpoint } = opened;
      const walk = walkForReport(checkpoint.root);
      const { occurrences } = walk;
      // The set's own sidecar (a nanochat step's meta file), unless the caller says otherwise.
      const sidecar = own && options.sidecar !== null ? await readSidecarFrom(own.name, own.spec) : undefined;
      const parts = await describeParts({ file: sourceName(spec), name: basename(sourceName(index)), size: opened.size, checkpoint, occurrences, walk, sidecar });
      throwIfAborted(options.signal);
      return new CheckpointSession(spec, opened, checkpoint, occurrences, parts, describeWith(parts), options.pool, options.inPlaceBytes);
    } catch (err) {
      await opened.close();
      throw err;
    }
  }

  /** The tensor's plan for a kernel worker; undefined where its bytes are not stored as they are. */
  private readonly planOf = (t: PyOpaque<TensorRef>): Promise<TensorPlan | undefined> => {
    let plan = this.plans.get(t);
    if (!plan) {
      plan = planFor(this.checkpoint, this.spec, this.index.firstPath.get(t)!, t.payload);
      this.plans.set(t, plan);
    }
    return plan;
  };

  private checkOpen(): void {
    if (this.closed) throw new Error('The checkpoint session is closed.');
  }

  /** The report without hashes (computed at open). */
  summary(): InspectReport {
    this.checkOpen();
    return this.report;
  }

  /** The report with every tensor's sha256; computed once, then kept. */
  async summaryWithHashes(options: WorkOptions = {}): Promise<InspectReport> {
    this.checkOpen();
    if (!this.hashed) {
      const hashes = await hashSession({ checkpoint: this.checkpoint, occurrences: this.occurrences, distinct: this.index.distinct, planOf: this.planOf, pool: this.pool, inPlaceBytes: this.inPlaceBytes }, options);
      this.hashed = withHashes(this.report, this.occurrences, hashes);
    }
    return this.hashed;
  }

  /** The tensor under `path` (as `inspect` names it). */
  tensor(path: string): TensorOccurrence {
    this.checkOpen();
    const found = this.index.byPath.get(path);
    if (!found) throw new NoSuchTensorError(`There is no tensor "${path}" in ${basename(sourceName(this.spec))}.`);
    return found;
  }

  /** The tensor's elements, row-major and little-endian, in chunks (each valid until the next). */
  tensorBytes(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    return tensorChunks(this.checkpoint, this.tensor(path).tensor.payload, signal);
  }

  async stats(path: string, options: WorkOptions & { bins?: number } = {}): Promise<TensorStats> {
    const { tensor } = this.tensor(path);
    const plan = this.pool ? await this.planOf(tensor) : undefined;
    return statsOf({ checkpoint: this.checkpoint, tensor: tensor.payload, plan, pool: this.pool }, options);
  }

  /** This checkpoint as one side of a comparison: its parse, its source and its sidecar, not read again. */
  compareSide(): CompareSide {
    this.checkOpen();
    const sidecar = this.parts.sidecar;
    return { spec: this.spec, checkpoint: this.checkpoint, size: this.parts.size, ...(sidecar ? { sidecar } : {}) };
  }

  /** The kernel workers this session shares work out to, if any. */
  get kernels(): KernelPool | undefined {
    return this.pool;
  }

  /** CRC-32s of whole records from the kernel workers (for an export's checks), if the session has any. */
  recordCrcs(): RecordCrcs | undefined {
    this.checkOpen();
    return this.pool ? recordCrcsIn(this.pool, this.checkpoint, this.spec, this.inPlaceBytes) : undefined;
  }

  /** Every distinct tensor with the path it is first seen under, in checkpoint order. */
  tensors(): Array<{ tensor: PyOpaque<TensorRef>; path: string }> {
    const { distinct, firstPath } = this.index;
    return distinct.map((tensor) => ({ tensor, path: firstPath.get(tensor)! }));
  }

  async scanNonFinite(options: WorkOptions = {}): Promise<{ scanned: number; found: NonFiniteRow[] }> {
    this.checkOpen();
    return scanNonFinite({ checkpoint: this.checkpoint, tensors: this.tensors(), planOf: this.planOf, pool: this.pool, inPlaceBytes: this.inPlaceBytes }, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.close();
    // Workers keep sources open for the next task; a closed file must not stay held.
    this.pool?.releaseSources();
  }
}

async function readSessionSidecar(spec: SourceSpec, chosen: SessionOptions['sidecar']): Promise<Sidecar | undefined> {
  if (chosen === null) return undefined;
  const where = chosen ?? (spec.kind === 'file' ? sidecarSpecFor(spec.path) : undefined);
  return where ? readSidecarFrom(where.name, where.spec) : undefined;
}
