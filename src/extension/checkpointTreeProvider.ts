// The Checkpoints tree's data: lists every root through the core, keeps the result as plain
// nodes, and relists on demand (refresh, file changes). Listing reuses a sidecar cache, so a
// relist after one new checkpoint reads one new meta file, not all of them.

import * as vscode from 'vscode';
import { listRoot } from '../core/listing/listRoot';
import { buildTree, flattenTree } from '../core/listing/listingTree';
import type { ViewNode } from '../core/listing/listingTree';
import type { RootListing } from '../core/listing/listingTypes';
import { createSidecarCache } from '../core/listing/sidecars';
import { toTreeItem } from './checkpointTreeItem';
import type { TreeSettings } from './treeRoots';

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
  data?: ViewNode['data'];
}

export class CheckpointTreeProvider implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly cache = createSidecarCache();
  private nodes: ViewNode[] = [];
  private listings: RootListing[] = [];
  private parents = new Map<string, ViewNode>();
  private loading: Promise<void> | undefined;
  private again = false;
  private loaded = false;

  constructor(private settings: TreeSettings) {}

  setSettings(settings: TreeSettings): void {
    this.settings = settings;
  }

  /** The latest listings, one per root (including roots with nothing found). */
  get rootListings(): readonly RootListing[] {
    return this.listings;
  }

  /** Relists every root. Calls during a relist coalesce into one more relist after it. */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.loading;
  }

  /** Waits for the first listing and any relist in flight. */
  async settled(): Promise<void> {
    if (!this.loaded && !this.loading) await this.refresh();
    while (this.loading) await this.loading;
  }

  private async load(): Promise<void> {
    const { roots, scanDepth } = this.settings;
    const listings = await Promise.all(roots.map((r) => listRoot(r.path, { scanDepth, cache: this.cache })));
    this.listings = listings;
    this.nodes = buildTree(roots.map((r, i) => ({ listing: listings[i]!, label: r.label, showWhenEmpty: r.source === 'extra' })));
    this.parents = new Map();
    for (const { node } of flattenTree(this.nodes)) for (const child of node.children) this.parents.set(child.id, node);
    this.loaded = true;
    this.changed.fire(undefined);
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: ViewNode): Promise<ViewNode[]> {
    if (node) return node.children;
    if (!this.loaded) await this.settled();
    return this.nodes;
  }

  getParent(node: ViewNode): ViewNode | undefined {
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
      if (node.data !== undefined) s.data = node.data;
      return s;
    });
  }

  /** All checkpoint nodes, for pickers when a command runs from the palette. */
  checkpointNodes(): ViewNode[] {
    return flattenTree(this.nodes)
      .map((f) => f.node)
      .filter((n) => n.type === 'checkpoint');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
