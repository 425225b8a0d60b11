// The Checkpoints tree as plain data: which nodes exist under which, with their labels,
// descriptions, tooltips (Markdown), codicons and context values. The extension maps these to
// TreeItems one to one, so everything the tree shows is decided (and unit-tested) here.

import { basename, join } from 'node:path';
import { formatBytes, plural } from '../format';
import { checkpointDescription, checkpointTooltip, runDescription, runTooltip } from './listingFormat';
import type { CheckpointEntry, CheckpointFile, RootListing, RunKind, RunListing } from './listingTypes';
import { KIND_LABELS, NANOCHAT_KIND_DIRS } from './nanochatHome';
import { runStorage, storageUsage } from './storageUsage';
import type { StorageBytes } from './storageUsage';

export type ViewNodeType = 'root' | 'kind' | 'run' | 'checkpoint' | 'file' | 'storage' | 'storageRow' | 'message';

export interface ViewNode {
  /** Stable across refreshes, so expansion state survives them. */
  id: string;
  type: ViewNodeType;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon id (`package`, `star-full`...). */
  icon: string;
  /** A theme color id for the icon, when it should stand out. */
  iconColor?: string;
  /** Menus key on it: `root...`, `run...`, `checkpoint...`. */
  contextValue: string;
  /** The file or folder that reveal and copy act on. */
  path?: string;
  /** The file that inspect opens. */
  openPath?: string;
  expanded?: boolean;
  children: ViewNode[];
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
  };
}

export interface TreeRoot {
  listing: RootListing;
  /** Label for the root: `nanochat home`, the workspace folder's name. */
  label: string;
  /** Keep it in the tree even with nothing found (a folder the user added). */
  showWhenEmpty?: boolean;
}

function storageText(s: StorageBytes): string {
  const parts = [];
  if (s.model > 0) parts.push(`model ${formatBytes(s.model)}`);
  if (s.optimizer > 0) parts.push(`optimizer ${formatBytes(s.optimizer)}`);
  if (s.full > 0) parts.push(`full ${formatBytes(s.full)}`);
  if (s.other > 0) parts.push(`other ${formatBytes(s.other)}`);
  return `${formatBytes(s.total)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function fileNode(parentId: string, f: CheckpointFile): ViewNode {
  const isJson = f.name.toLowerCase().endsWith('.json');
  return {
    id: `${parentId}/${f.name}`,
    type: 'file',
    label: f.name,
    description: `${formatBytes(f.bytes)} · ${f.role}${f.rank !== undefined ? ` rank ${f.rank}` : ''}`,
    tooltip: `\`${f.path}\`\n\n${f.bytes} bytes`,
    icon: isJson ? 'json' : 'file-binary',
    contextValue: isJson ? 'checkpointFile.json' : 'checkpointFile',
    path: f.path,
    openPath: f.path,
    children: [],
    data: { bytes: f.bytes },
  };
}

function checkpointNode(runId: string, run: RunListing, c: CheckpointEntry): ViewNode {
  const id = `${runId}/${c.name}`;
  const tags = [c.layout, c.best ? 'best' : '', c.incomplete ? 'incomplete' : ''].filter(Boolean);
  const node: ViewNode = {
    id,
    type: 'checkpoint',
    label: c.name,
    description: checkpointDescription(c, run.primaryMetric?.name),
    tooltip: checkpointTooltip(c),
    icon: c.incomplete ? 'warning' : c.best ? 'star-full' : c.layout === 'huggingface' ? 'folder' : 'package',
    contextValue: ['checkpoint', ...tags].join('.'),
    path: c.path,
    children: c.layout === 'file' ? [] : c.files.map((f) => fileNode(id, f)),
    data: { kind: run.kind, tag: run.tag, step: c.step, bytes: c.bytes, metrics: c.metrics, best: c.best },
  };
  if (c.best) node.iconColor = 'charts.yellow';
  if (c.incomplete) {
    node.iconColor = 'list.warningForeground';
    node.data!.incomplete = c.incomplete;
  }
  if (c.mainFile) node.openPath = c.mainFile;
  return node;
}

function runNode(parentId: string, root: RootListing, run: RunListing): ViewNode {
  const id = `${parentId}/run:${run.tag}`;
  const label = run.tag === '.' ? basename(root.root) : run.tag;
  return {
    id,
    type: 'run',
    label,
    description: runDescription(run),
    tooltip: runTooltip(run),
    icon: 'folder-library',
    contextValue: `run.${run.kind === 'folder' ? 'folder' : 'nanochat'}`,
    path: run.dir,
    children: run.checkpoints.map((c) => checkpointNode(id, run, c)),
    data: { kind: run.kind, tag: run.tag, bytes: run.bytes, checkpoints: run.checkpoints.length },
  };
}

function storageNode(rootId: string, listing: RootListing): ViewNode {
  const usage = storageUsage([listing]);
  const id = `${rootId}/storage`;
  const rowNode = (parent: string, label: string, s: StorageBytes, children: ViewNode[], data: ViewNode['data']): ViewNode => ({
    id: `${parent}/${label}`,
    type: 'storageRow',
    label,
    description: storageText(s),
    tooltip: [
      `**${label}**: ${plural(s.checkpoints, 'checkpoint')}`,
      '',
      `- model: ${formatBytes(s.model)}`,
      `- optimizer: ${formatBytes(s.optimizer)}`,
      `- full checkpoints (model and optimizer in one file): ${formatBytes(s.full)}`,
      `- other (sidecars, schedulers, RNG states): ${formatBytes(s.other)}`,
      `- total: ${formatBytes(s.total)}`,
    ].join('\n'),
    icon: children.length > 0 ? 'layers' : 'circle-small-filled',
    contextValue: 'storageRow',
    children,
    data: { ...data, bytes: s.total },
  });
  const nanochat = listing.layout === 'nanochat';
  const children = nanochat
    ? usage.kinds.map((g) =>
        rowNode(id, KIND_LABELS[g.kind], g, g.runs.map((r) => rowNode(`${id}/${g.kind}`, r.tag, r, [], { kind: r.kind, tag: r.tag })), { kind: g.kind }),
      )
    : listing.runs.map((r) => {
        const s = runStorage(r);
        return rowNode(id, r.tag === '.' ? basename(listing.root) : r.tag, s, [], { kind: r.kind, tag: r.tag });
      });
  return {
    id,
    type: 'storage',
    label: 'Storage usage',
    description: storageText(usage),
    tooltip: `Disk used by the checkpoints under \`${listing.root}\`: model weights, optimizer state, whole single-file checkpoints, and the rest.`,
    icon: 'database',
    contextValue: 'storage',
    children,
    data: { bytes: usage.total, checkpoints: usage.checkpoints },
  };
}

/** One root and everything under it; undefined when it has nothing to show. */
export function buildRootNode(root: TreeRoot): ViewNode | undefined {
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
    description: listing.exists ? `${plural(count, 'checkpoint')} · ${formatBytes(total)}` : 'not found',
    tooltip: [
      `**${root.label}**${nanochat ? ' (nanochat home)' : ''}`,
      '',
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
  if (nanochat) {
    for (const { kind, dir } of NANOCHAT_KIND_DIRS) {
      const runs = listing.runs.filter((r) => r.kind === kind);
      if (runs.length === 0) continue;
      const kindId = `${id}/kind:${kind}`;
      const bytes = runs.reduce((n, r) => n + r.bytes, 0);
      const checkpoints = runs.reduce((n, r) => n + r.checkpoints.length, 0);
      node.children.push({
        id: kindId,
        type: 'kind',
        label: KIND_LABELS[kind],
        description: `${plural(runs.length, 'tag')} · ${plural(checkpoints, 'checkpoint')} · ${formatBytes(bytes)}`,
        tooltip: `\`${dir}\` under \`${listing.root}\``,
        icon: 'layers',
        contextValue: 'kind',
        path: join(listing.root, dir),
        expanded: true,
        children: runs.map((r) => runNode(kindId, listing, r)),
        data: { kind, bytes, checkpoints },
      });
    }
  } else {
    node.children.push(...listing.runs.map((r) => runNode(id, listing, r)));
  }
  node.children.push(storageNode(id, listing));
  return node;
}

/** The whole tree: one node per root that has something to show. Empty: show the welcome view. */
export function buildTree(roots: readonly TreeRoot[]): ViewNode[] {
  return roots.map(buildRootNode).filter((n): n is ViewNode => n !== undefined);
}

/** Every node, depth first, with its depth: for tests and for the internal snapshot command. */
export function flattenTree(nodes: readonly ViewNode[], depth = 0): { depth: number; node: ViewNode }[] {
  return nodes.flatMap((node) => [{ depth, node }, ...flattenTree(node.children, depth + 1)]);
}
