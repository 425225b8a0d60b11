// The Checkpoints tree as plain data: which nodes exist under which, with their labels,
// descriptions, tooltips (Markdown), codicons and context values. The extension maps these to
// TreeItems one to one, so everything the tree shows is decided (and unit-tested) here.

import { basename, join } from 'node:path';
import { formatBytes, plural } from '../format';
import { checkpointKey } from './checkpointKey';
import { checkpointAriaLabel, checkpointDescriptionParts, checkpointTooltip, fileTooltip, fitDescription, runDescriptionParts, runTooltip } from './listingFormat';
import type { CheckpointEntry, CheckpointFile, RootListing, RunKind, RunListing } from './listingTypes';
import { KIND_LABELS, NANOCHAT_KIND_DIRS } from './nanochatHome';
import { runStatus, statusShort } from './runStatus';
import type { RecentWindow, RunState } from './runStatus';
import { runStorage, storageUsage } from './storageUsage';
import type { StorageBytes } from './storageUsage';

export type ViewNodeType = 'root' | 'kind' | 'run' | 'checkpoint' | 'file' | 'storage' | 'storageRow' | 'message';

export interface ViewNode {
  /** Stable across refreshes, so expansion state survives them. */
  id: string;
  type: ViewNodeType;
  label: string;
  description?: string;
  /**
   * Markdown. Built when read (a getter on checkpoint, file and run nodes): a big tree has
   * hundreds of thousands of nodes, and only hovered ones need their tooltip.
   */
  readonly tooltip?: string;
  /** What a screen reader says for the row, when label and description do not say it all. */
  ariaLabel?: string;
  /** A codicon id (`package`, `star-full`...). */
  icon: string;
  /** A theme color id for the icon, when it should stand out. */
  iconColor?: string;
  /** Menus key on it: `root...`, `run...`, `checkpoint...`. */
  contextValue: string;
  /** The file or folder that reveal and copy act on. */
  path?: string;
  /** The file that inspect opens (and compare and export take). */
  openPath?: string;
  /**
   * What inspect opens instead, when the node is a checkpoint of many files that opens whole
   * through one of them: a nanochat step with optimizer files, through its meta_<step>.json.
   */
  inspectPath?: string;
  expanded?: boolean;
  /** A getter on run and checkpoint nodes, like `tooltip`. */
  readonly children: ViewNode[];
  /** The files whose pickles the security scan reads for this row (checkpoint and file nodes). */
  scanFiles?: readonly CheckpointFile[];
  /** Whether `children` is empty, where reading it would build it (run and checkpoint nodes). */
  leaf?: boolean;
  /** Facts for tests and for commands that need more than the label. */
  data?: {
    kind?: RunKind;
    tag?: string;
    step?: number | null;
    bytes?: number;
    metrics?: Record<string, number>;
    best?: boolean;
    incomplete?: string;
    checkpoints?: number;
    /** Where a checkpoint is, for pickers: `Base · d4`, `workspace · checkpoints`. */
    location?: string;
    /** A checkpoint's run folder and its key in the run's state file (pins, notes, archive marks). */
    runDir?: string;
    key?: string;
    /** A run's status when the tree was built (see core/listing/runStatus). */
    status?: RunState;
    statusText?: string;
  };
}

export interface TreeRoot {
  listing: RootListing;
  /** Label for the root: `nanochat home`, the workspace folder's name. */
  label: string;
  /** Keep it in the tree even with nothing found (a folder the user added). */
  showWhenEmpty?: boolean;
}

/** `90.0 MiB`, `67% optimizer`: the total, and the share that pruning optimizer state would free. */
function storageParts(s: StorageBytes): string[] {
  if (s.optimizer === 0 || s.total === 0) return [formatBytes(s.total)];
  return [formatBytes(s.total), `${Math.round((s.optimizer / s.total) * 100)}% optimizer`];
}

/** The storage split in words, for tooltips. */
export const STORAGE_PARTS: readonly { key: 'model' | 'optimizer' | 'full' | 'other'; label: string }[] = [
  { key: 'model', label: 'model weights' },
  { key: 'optimizer', label: 'optimizer state' },
  { key: 'full', label: 'single-file checkpoints (model and optimizer in one file, not told apart)' },
  { key: 'other', label: 'other (sidecars, schedulers, RNG states)' },
];

function fileNode(parentId: string, f: CheckpointFile): ViewNode {
  const isJson = f.name.toLowerCase().endsWith('.json');
  return {
    id: `${parentId}/${f.name}`,
    type: 'file',
    label: f.name,
    description: formatBytes(f.bytes),
    get tooltip() {
      return fileTooltip(f);
    },
    icon: isJson ? 'json' : 'file-binary',
    contextValue: isJson ? 'checkpointFile.json' : 'checkpointFile',
    path: f.path,
    openPath: f.path,
    children: [],
    data: { bytes: f.bytes },
    ...(isJson ? {} : { scanFiles: [f] }),
  };
}

/**
 * The files of a checkpoint that the security scan reads: its weights and pickles, not its JSON
 * sidecars. None while it is incomplete (a training run may still be writing it).
 */
export function scanFilesOf(c: CheckpointEntry): CheckpointFile[] {
  return c.incomplete ? [] : c.files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
}

/** Every file the security scan reads under these listings, in listing order. */
export function* listingScanFiles(listings: readonly RootListing[]): Generator<CheckpointFile> {
  for (const l of listings) for (const r of l.runs) for (const c of r.checkpoints) yield* scanFilesOf(c);
}

/**
 * What inspect opens for a checkpoint node: its `inspectPath`, whole (a checkpoint of many files
 * named by one of them, a nanochat step's meta file), else its `openPath`.
 */
export function openTarget(node: ViewNode): { path: string; whole: boolean } | undefined {
  if (node.inspectPath !== undefined) return { path: node.inspectPath, whole: true };
  return node.openPath === undefined ? undefined : { path: node.openPath, whole: false };
}

/** The path that names a checkpoint node whole, for compare and the pickers (see openTarget). */
export function wholePath(node: ViewNode): string | undefined {
  return openTarget(node)?.path;
}

function checkpointNode(runId: string, depth: number, run: RunListing, location: string, c: CheckpointEntry): ViewNode {
  const id = `${runId}/${c.name}`;
  const archived = (c.mark?.archived?.length ?? 0) > 0;
  const tags = [c.layout, c.best ? 'best' : '', c.incomplete ? 'incomplete' : '', c.mark?.pinned ? 'pinned' : '', c.mark?.note ? 'noted' : '', archived ? 'archived' : ''].filter(Boolean);
  const markWord = archived ? 'archived' : c.mark?.pinned || c.mark?.note ? 'pinned' : undefined;
  let files: ViewNode[] | undefined;
  const node: ViewNode = {
    id,
    type: 'checkpoint',
    label: c.name,
    description: fitDescription(c.name, depth, [...checkpointDescriptionParts(c, run.primaryMetric?.name), ...(markWord ? [markWord] : [])]),
    get tooltip() {
      return checkpointTooltip(c);
    },
    ariaLabel: [checkpointAriaLabel(c, run.primaryMetric?.name), ...(markWord ? [markWord] : []), ...(c.mark?.note ? [`note: ${c.mark.note}`] : [])].join(', '),
    icon: c.incomplete ? 'warning' : c.best ? 'star-full' : archived ? 'archive' : c.mark?.pinned || c.mark?.note ? 'pinned' : c.layout === 'huggingface' || c.layout === 'dcp' ? 'folder' : c.shards !== undefined ? 'files' : 'package',
    contextValue: ['checkpoint', ...tags].join('.'),
    path: c.path,
    scanFiles: scanFilesOf(c),
    leaf: c.layout === 'file' || c.files.length === 0,
    // Built when first read: only an expanded checkpoint shows its files.
    get children() {
      files ??= c.layout === 'file' ? [] : c.files.map((f) => fileNode(id, f));
      return files;
    },
    data: { kind: run.kind, tag: run.tag, step: c.step, bytes: c.bytes, metrics: c.metrics, best: c.best, location, runDir: run.dir, key: checkpointKey(c) },
  };
  if (c.best) node.iconColor = 'charts.yellow';
  if (c.incomplete) {
    node.iconColor = 'list.warningForeground';
    node.data!.incomplete = c.incomplete;
  }
  if (c.mainFile) node.openPath = c.mainFile;
  const meta = c.layout === 'nanochat' && c.mainFile && c.files.some((f) => f.role === 'optimizer') ? c.files.find((f) => f.role === 'meta') : undefined;
  if (meta) node.inspectPath = meta.path;
  return node;
}

/** Run nodes keyed by the run they show: a relist keeps unchanged runs as the same objects. */
export type RunNodeCache = WeakMap<RunListing, ViewNode>;

/** A run's icon and its colour by status: training, finished, stopped early, or just a run. */
const STATUS_ICONS: Record<RunState, { icon: string; color?: string }> = {
  training: { icon: 'sync', color: 'charts.blue' },
  finished: { icon: 'pass', color: 'charts.green' },
  stopped: { icon: 'debug-stop', color: 'charts.orange' },
  unknown: { icon: 'folder-library' },
};

/** What the tree calls a run's folder: its tag, or the root's name for a root that is one run. */
export function runLabel(rootPath: string, run: RunListing): string {
  return run.tag === '.' ? basename(rootPath) : run.tag;
}

/** Where a run is, in words: `Base · d4`, `workspace · checkpoints`. */
export function runLocation(rootLabel: string, rootPath: string, run: RunListing): string {
  return run.kind === 'folder' ? `${rootLabel} · ${runLabel(rootPath, run)}` : `${KIND_LABELS[run.kind]} · ${run.tag}`;
}

function runNode(parentId: string, depth: number, root: TreeRoot, run: RunListing, now: number, cache?: RunNodeCache, recentMsOf?: RecentWindow): ViewNode {
  const id = `${parentId}/run:${run.tag}`;
  const status = runStatus(run, now, recentMsOf ? { recentMs: recentMsOf(run.dir) } : {});
  const cached = cache?.get(run);
  // The same run, unless its status moved on with the clock (training ends without a write).
  if (cached?.id === id && cached.data?.status === status.state) return cached;
  const label = runLabel(root.listing.root, run);
  const location = runLocation(root.label, root.listing.root, run);
  let steps: ViewNode[] | undefined;
  const node: ViewNode = {
    id,
    type: 'run',
    label,
    description: fitDescription(label, depth, [...(statusShort(status) ? [statusShort(status)!] : []), ...runDescriptionParts(run)]),
    get tooltip() {
      return runTooltip(run);
    },
    ariaLabel: [label, ...(status.state !== 'unknown' ? [status.text] : []), ...runDescriptionParts(run)].join(', '),
    icon: STATUS_ICONS[status.state].icon,
    contextValue: `run.${run.kind === 'folder' ? 'folder' : 'nanochat'}`,
    path: run.dir,
    leaf: run.checkpoints.length === 0,
    // Built when first read: a collapsed tag of thousands of steps costs nothing.
    get children() {
      steps ??= run.checkpoints.map((c) => checkpointNode(id, depth + 1, run, location, c));
      return steps;
    },
    data: { kind: run.kind, tag: run.tag, bytes: run.bytes, checkpoints: run.checkpoints.length, status: status.state, statusText: status.text },
  };
  const color = STATUS_ICONS[status.state].color;
  if (color) node.iconColor = color;
  cache?.set(run, node);
  return node;
}

function storageNode(rootId: string, listing: RootListing): ViewNode {
  const usage = storageUsage([listing]);
  const id = `${rootId}/storage`;
  const rowNode = (parent: string, depth: number, label: string, s: StorageBytes, children: ViewNode[], data: ViewNode['data']): ViewNode => ({
    id: `${parent}/${label}`,
    type: 'storageRow',
    label,
    description: fitDescription(label, depth, storageParts(s)),
    tooltip: [
      `**${label}**: ${plural(s.checkpoints, 'checkpoint')}`,
      '',
      ...STORAGE_PARTS.map((p) => `- ${p.label}: ${formatBytes(s[p.key])}`),
      `- total: ${formatBytes(s.total)}`,
    ].join('\n'),
    icon: children.length > 0 ? 'layers' : 'circle-small-filled',
    contextValue: 'storageRow',
    children,
    data: { ...data, bytes: s.total },
  });
  const runRow = (parent: string, depth: number, r: RunListing): ViewNode =>
    rowNode(parent, depth, r.tag === '.' ? basename(listing.root) : r.tag, runStorage(r), [], { kind: r.kind, tag: r.tag });
  // nanochat kinds as groups of tags; folders one row each, as the tree lists them.
  const children = usage.kinds.flatMap((g) =>
    g.kind === 'folder'
      ? listing.runs.filter((r) => r.kind === 'folder').map((r) => runRow(id, 2, r))
      : [rowNode(id, 2, KIND_LABELS[g.kind], g, listing.runs.filter((r) => r.kind === g.kind).map((r) => runRow(`${id}/${g.kind}`, 3, r)), { kind: g.kind })],
  );
  return {
    id,
    type: 'storage',
    label: 'Storage usage',
    description: fitDescription('Storage usage', 1, storageParts(usage)),
    tooltip: `Disk used by the checkpoints under \`${listing.root}\`: model weights, optimizer state, single-file checkpoints (both in one file), and the rest.`,
    icon: 'database',
    contextValue: 'storage',
    children,
    data: { bytes: usage.total, checkpoints: usage.checkpoints },
  };
}

/** One root and everything under it; undefined when it has nothing to show. */
export function buildRootNode(root: TreeRoot, cache?: RunNodeCache, now = Date.now(), recentMsOf?: RecentWindow): ViewNode | undefined {
  const { listing } = root;
  if (listing.runs.length === 0 && !root.showWhenEmpty) return undefined;
  const id = `root:${listing.root}`;
  const total = listing.runs.reduce((n, r) => n + r.bytes, 0);
  const count = listing.runs.reduce((n, r) => n + r.checkpoints.length, 0);
  const nanochat = listing.layout === 'nanochat';
  const node: ViewNode = {
    id,
    type: 'root',
    label: root.label,
    description: listing.exists ? fitDescription(root.label, 0, [plural(count, 'checkpoint'), formatBytes(total)]) : 'not found',
    tooltip: [
      `**${root.label}**${nanochat ? ' (nanochat home)' : ''}`,
      '',
      ...(listing.exists ? [`${plural(count, 'checkpoint')} · ${formatBytes(total)}`, ''] : []),
      `\`${listing.root}\``,
      ...(listing.warnings.length > 0 ? ['', `Skipped ${plural(listing.warnings.length, 'item')}:`, ...listing.warnings.slice(0, 10).map((w) => `- ${w}`)] : []),
    ].join('\n'),
    icon: nanochat ? 'home' : 'root-folder',
    contextValue: nanochat ? 'root.nanochat' : 'root.folder',
    path: listing.root,
    expanded: true,
    children: [],
    data: { kind: nanochat ? undefined : 'folder', bytes: total, checkpoints: count },
  };
  if (listing.runs.length === 0) {
    node.children.push({
      id: `${id}/empty`,
      type: 'message',
      label: listing.exists ? 'No checkpoints found here' : 'Folder not found',
      icon: 'info',
      contextValue: 'message',
      children: [],
    });
    return node;
  }
  for (const { kind, dir } of nanochat ? NANOCHAT_KIND_DIRS : []) {
    const runs = listing.runs.filter((r) => r.kind === kind);
    if (runs.length === 0) continue;
    const kindId = `${id}/kind:${kind}`;
    const bytes = runs.reduce((n, r) => n + r.bytes, 0);
    const checkpoints = runs.reduce((n, r) => n + r.checkpoints.length, 0);
    node.children.push({
      id: kindId,
      type: 'kind',
      label: KIND_LABELS[kind],
      description: fitDescription(KIND_LABELS[kind], 1, [plural(runs.length, 'tag'), formatBytes(bytes)]),
      tooltip: `**${KIND_LABELS[kind]}**: ${plural(runs.length, 'tag')}, ${plural(checkpoints, 'checkpoint')}, ${formatBytes(bytes)}\n\n\`${dir}\` under \`${listing.root}\``,
      icon: 'layers',
      contextValue: 'kind',
      path: join(listing.root, dir),
      expanded: true,
      children: runs.map((r) => runNode(kindId, 2, root, r, now, cache, recentMsOf)),
      data: { kind, bytes, checkpoints },
    });
  }
  // Folders: every run of a plain folder, and the other checkpoint folders of a nanochat home.
  node.children.push(...listing.runs.filter((r) => r.kind === 'folder').map((r) => runNode(id, 1, root, r, now, cache, recentMsOf)));
  node.children.push(storageNode(id, listing));
  return node;
}

/** The whole tree: one node per root that has something to show. Empty: show the welcome view. */
export function buildTree(roots: readonly TreeRoot[], cache?: RunNodeCache, now = Date.now(), recentMsOf?: RecentWindow): ViewNode[] {
  return roots.map((r) => buildRootNode(r, cache, now, recentMsOf)).filter((n): n is ViewNode => n !== undefined);
}

/** Every node, depth first, with its depth: for tests and for the internal snapshot command. */
export function flattenTree(nodes: readonly ViewNode[], depth = 0): { depth: number; node: ViewNode }[] {
  const out: { depth: number; node: ViewNode }[] = [];
  const visit = (list: readonly ViewNode[], d: number): void => {
    for (const node of list) {
      out.push({ depth: d, node });
      visit(node.children, d + 1);
    }
  };
  visit(nodes, depth);
  return out;
}
