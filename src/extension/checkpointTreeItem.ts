// Maps a plain-data tree node to the TreeItem VS Code draws.

import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';

export function toTreeItem(node: ViewNode): vscode.TreeItem {
  const state =
    node.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.label, state);
  item.id = node.id;
  if (node.description) item.description = node.description;
  if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip);
  item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
  item.contextValue = node.contextValue;
  if (node.path) item.resourceUri = vscode.Uri.file(node.path);
  // A click opens a file as the Explorer does; nodes with children keep click-to-expand.
  if (node.openPath && node.children.length === 0) {
    item.command = { command: 'checkpointManager.inspect', title: 'Inspect Checkpoint', arguments: [node] };
  }
  return item;
}
