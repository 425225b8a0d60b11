// The Checkpoints tree's data: one live listing per root (see core/listing/liveListing), kept as
// plain nodes. Refresh relists every root; a file change relists only the run it touched, and the
// nodes of the other runs are kept. Every relist runs one at a time, in order.

import * as vscode from 'vscode';
import { checkpointPicks } from '../core/listing/checkpointPicks';
import type { CheckpointPick } from '../core/listing/checkpointPicks';
import type { CandidateGroup } from '../core/listing/comparePicks';
import { compareCandidates, previousStepPair } from '../core/listing/comparePicks';
import { buildTree, flattenTree, listingScanFiles, runLocation } from '../core/listing/listingTree';
import type { RunNodeCache, ViewNode } from '../core/listing/listingTree';
import type { RootListing, RunListing } from '../core/listing/listingTypes';
import { LiveListing } from '../core/listing/liveListing';
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import { nextStatusChange } from '../core/listing/runStatus';
import { createSidecarCache } from '../core/listing/sidecars';
import type { VerdictMark } from '../core/security/verdictMark';
import { verdictMark } from '../core/security/verdictMark';
import { resolveTooltip, toTreeItem } from './checkpointTreeItem';
import type { RootSpec, TreeSettings } from './treeRoots';
import type { VerdictScan } from './verdictScan';

/** A node as plain JSON, for the internal snapshot command used by integration tests. */
export interface NodeSnapshot {
  depth: number;
  id: string;
  type: ViewNode['type'];
  label: string;
  description?: string;
  contextValue: string;
  icon: string;
  path?: string;
  openPath?: string;
  inspectPath?: string;
  data?: ViewNode['data'];
  /** The security mark the row shows now (marks arrive after the listing). */
  mark?: VerdictMark;
}

/** One relist, for the internal testing state: every root, or the runs and folders one touched. */
export type RelistRecord = { full: true } | { full: false; runs: string[]; subtrees: string[] };

const RELIST_LOG_SIZE = 100;

export interface ListedRun {
  run: RunListing;
  /** `Base · d4`, `workspace · checkpoints`. */
  label: string;
  /** The root it was listed under. */
  root: string;
}

export class CheckpointTreeProvider implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | ViewNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly cache = createSidecarCache();
  private readonly runNodes: RunNodeCache = new WeakMap();
  private lives: { spec: RootSpec; live: LiveListing }[] = [];
  private nodes: ViewNode[] = [];
  private parents: Map<string, ViewNode> | undefined;
  private loaded = false;
  /** The chain every relist runs on, so two never interleave. */
  private tail: Promise<void> = Promise.resolve();
  private busy = 0;
  /** A full relist that is queued and has not started: later Refresh calls share it. */
  private queuedFull: Promise<void> | undefined;
  /** Changed paths waiting for the debounce to end. */
  private readonly pending = new Set<string>();
  private readonly log: RelistRecord[] = [];
  /** Rows drawn so far, by the files their security mark depends on: a verdict redraws only these. */
  private rendered = new Map<string, Set<ViewNode>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Redraws the tree when a run stops counting as training: that takes no write to notice. */
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private settings: TreeSettings,
    private readonly scan?: VerdictScan,
  ) {
    if (scan) this.disposables.push(scan.onDidJudge((verdicts) => this.redrawMarks(verdicts.map((v) => v.path))));
  }

  setSettings(settings: TreeSettings): void {
    this.settings = settings;
  }

  /** The latest listings, one per root (including roots with nothing found). */
  get rootListings(): readonly RootListing[] {
    return this.lives.map((l) => l.live.listing);
  }

  /** True once the roots were listed or are being listed (the tree was shown, or a picker asked). */
  get hasListed(): boolean {
    return this.loaded || this.busy > 0;
  }

  /** The latest relists, oldest first (internal testing state). */
  get relists(): readonly RelistRecord[] {
    return this.log;
  }

  /** Relists every root. Calls before a queued relist starts share it. */
  refresh(): Promise<void> {
    this.queuedFull ??= this.enqueue(async () => {
      this.queuedFull = undefined;
      // A full relist reads everything that changed before it started.
      this.pending.clear();
      const { roots, scanDepth } = this.settings;
      this.lives = await Promise.all(roots.map(async (spec) => ({ spec, live: await LiveListing.create(spec.path, { scanDepth, cache: this.cache }) })));
      this.record({ full: true });
      this.rebuild();
    });
    return this.queuedFull;
  }

  /** Remembers a changed path; `applyChanges` relists what the remembered paths touched. */
  noteChange(path: string): void {
    this.pending.add(path);
  }

  /** True when deleting `path` would drop something listed (a run folder or a folder above one). */
  holds(path: string): boolean {
    return this.lives.some((l) => l.live.holds(path));
  }

  /** Relists the runs that the changes noted so far touched, and nothing else. */
  applyChanges(): Promise<void> {
    return this.enqueue(async () => {
      if (this.pending.size === 0 || !this.loaded) return;
      const paths = [...this.pending];
      this.pending.clear();
      let touched = false;
      for (const { live } of this.lives) {
        const plan = await live.apply(paths);
        if (plan.full || plan.runs.length > 0 || plan.subtrees.length > 0) {
          this.record(plan.full ? { full: true } : { full: false, runs: plan.runs, subtrees: plan.subtrees });
        }
        // A new folder that holds no checkpoint changes nothing: the tree is not redrawn.
        touched ||= plan.changed;
      }
      if (touched) this.rebuild();
    });
  }

  /** Waits for the first listing and for every relist queued so far. */
  async settled(): Promise<void> {
    if (!this.loaded && this.busy === 0) await this.refresh();
    while (this.busy > 0) await this.tail;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    this.busy++;
    const run = this.tail.then(op).finally(() => this.busy--);
    // One failed relist must not stop the ones after it; the caller still sees the failure.
    this.tail = run.catch(() => undefined);
    return run;
  }

  private record(r: RelistRecord): void {
    this.log.push(r);
    if (this.log.length > RELIST_LOG_SIZE) this.log.shift();
  }

  private rebuild(): void {
    this.nodes = buildTree(
      this.lives.map(({ spec, live }) => ({ listing: live.listing, label: spec.label, showWhenEmpty: spec.source === 'extra' })),
      this.runNodes,
      Date.now(),
      this.settings.recentMsOf,
    );
    this.parents = undefined;
    this.rendered = new Map();
    this.loaded = true;
    this.changed.fire(undefined);
    // The marks come after the tree is shown: the scan runs in the session worker, file by file.
    this.scan?.request(listingScanFiles(this.rootListings));
    this.scheduleStatusRedraw();
  }

  /** The security mark of a row, from the verdicts on its files that are in so far. */
  markOf(node: ViewNode): VerdictMark | undefined {
    if (!this.scan || !node.scanFiles?.length) return undefined;
    const judged = node.scanFiles.flatMap((f) => {
      const verdict = this.scan!.verdictOf(f);
      return verdict ? [{ name: f.name, verdict }] : [];
    });
    return verdictMark(judged);
  }

  private redrawMarks(paths: readonly string[]): void {
    const nodes = new Set<ViewNode>();
    for (const p of paths) for (const n of this.rendered.get(p) ?? []) nodes.add(n);
    if (nodes.size > 0) this.changed.fire([...nodes]);
  }

  private scheduleStatusRedraw(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    const now = Date.now();
    const next = nextStatusChange(this.lives.flatMap((l) => l.live.listing.runs), now, this.settings.recentMsOf);
    if (next === undefined) return;
    this.statusTimer = setTimeout(() => void this.enqueue(async () => this.rebuild()), Math.max(1000, next - now + 1000));
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    for (const f of node.scanFiles ?? []) {
      let set = this.rendered.get(f.path);
      if (!set) this.rendered.set(f.path, (set = new Set()));
      set.add(node);
    }
    return toTreeItem(node, this.markOf(node));
  }

  resolveTreeItem(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
    return resolveTooltip(item, node, this.markOf(node));
  }

  async getChildren(node?: ViewNode): Promise<ViewNode[]> {
    if (node) return node.children;
    if (!this.loaded) await this.settled();
    return this.nodes;
  }

  getParent(node: ViewNode): ViewNode | undefined {
    // Built when first asked for: only revealing a node needs it, and a big tree has many nodes.
    if (!this.parents) {
      this.parents = new Map();
      for (const { node: parent } of flattenTree(this.nodes)) for (const child of parent.children) this.parents.set(child.id, parent);
    }
    return this.parents.get(node.id);
  }

  /** Every node as plain data, depth first. */
  async snapshot(): Promise<NodeSnapshot[]> {
    await this.settled();
    return flattenTree(this.nodes).map(({ depth, node }) => {
      const s: NodeSnapshot = { depth, id: node.id, type: node.type, label: node.label, contextValue: node.contextValue, icon: node.icon };
      if (node.description !== undefined) s.description = node.description;
      if (node.path !== undefined) s.path = node.path;
      if (node.openPath !== undefined) s.openPath = node.openPath;
      if (node.inspectPath !== undefined) s.inspectPath = node.inspectPath;
      if (node.data !== undefined) s.data = node.data;
      const mark = this.markOf(node);
      if (mark) s.mark = mark;
      return s;
    });
  }

  /** The pin, note and archive records of the listed checkpoint that holds `path`, if any. */
  markFor(path: string): CheckpointMark | undefined {
    for (const { live } of this.lives) {
      for (const run of live.listing.runs) {
        for (const c of run.checkpoints) if (c.mark && (c.path === path || c.files.some((f) => f.path === path))) return c.mark;
      }
    }
    return undefined;
  }

  /** The latest listing of every root, with the tree's label for it. */
  rootsWithLabels(): Array<{ label: string; listing: RootListing }> {
    return this.lives.map(({ spec, live }) => ({ label: spec.label, listing: live.listing }));
  }

  /** Every run listed, with where it is in words and the root it was listed under. */
  async runs(): Promise<ListedRun[]> {
    await this.settled();
    return this.lives.flatMap(({ spec, live }) => live.listing.runs.map((run) => ({ run, label: runLocation(spec.label, live.listing.root, run), root: live.listing.root })));
  }

  /** Picker entries for every checkpoint, for commands run from the palette. */
  async checkpointPicks(): Promise<CheckpointPick[]> {
    await this.settled();
    return checkpointPicks(this.nodes);
  }

  /** The checkpoints to compare `path` with, grouped by run, its own run's nearest steps first. */
  async compareCandidates(path: string | undefined): Promise<CandidateGroup[]> {
    await this.settled();
    return compareCandidates(this.nodes, path);
  }

  /**
   * The two files "Compare with Previous Step" compares for the node with this id: a run's last
   * two checkpoints, or a checkpoint and the one before it.
   */
  async previousStepPair(id: string): Promise<[string, string] | undefined> {
    await this.settled();
    const node = flattenTree(this.nodes).find((n) => n.node.id === id)?.node;
    if (!node) return undefined;
    if (node.type === 'run') return previousStepPair(node);
    const run = node.type === 'checkpoint' ? this.getParent(node) : undefined;
    return run?.type === 'run' ? previousStepPair(run, node) : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.changed.dispose();
  }
}
