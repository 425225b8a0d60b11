// Maps a plain-data tree node to the TreeItem VS Code draws.

import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';

/** The tree item without its tooltip, which `resolveTooltip` adds when the row is hovered. */
export function toTreeItem(node: ViewNode): vscode.TreeItem {
  const state =
    (node.leaf ?? node.children.length === 0)
      ? vscode.TreeItemCollapsibleState.None
      : node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.label, state);
  item.id = node.id;
  if (node.description) item.description = node.description;
  if (node.ariaLabel) item.accessibilityInformation = { label: node.ariaLabel };
  item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
  item.contextValue = node.contextValue;
  if (node.path) item.resourceUri = vscode.Uri.file(node.path);
  // A click opens a file as the Explorer does; nodes with children keep click-to-expand.
  if (node.openPath && (node.leaf ?? node.children.length === 0)) {
    item.command = { command: 'checkpointManager.inspect', title: 'Inspect Checkpoint', arguments: [node] };
  }
  // The Storage usage row opens the storage report; its twistie still folds its rows.
  if (node.type === 'storage') item.command = { command: 'checkpointManager.showStorage', title: 'Show Storage' };
  return item;
}

/** Adds the node's tooltip: VS Code asks for it on hover (`resolveTreeItem`), not for every row. */
export function resolveTooltip(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
  const tooltip = node.tooltip;
  if (tooltip) item.tooltip = new vscode.MarkdownString(tooltip);
  return item;
}
