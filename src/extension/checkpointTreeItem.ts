// Maps a plain-data tree node to the TreeItem VS Code draws.

import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';
import type { VerdictMark } from '../core/security/verdictMark';
import { visibleText } from '../core/visibleText';

/**
 * The tree item without its tooltip, which `resolveTooltip` adds when the row is hovered. Names
 * come from disk: their hidden characters are shown as escapes. A security mark replaces the
 * icon and leads the description and the accessible name.
 */
export function toTreeItem(node: ViewNode, mark?: VerdictMark): vscode.TreeItem {
  const state =
    (node.leaf ?? node.children.length === 0)
      ? vscode.TreeItemCollapsibleState.None
      : node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(visibleText(node.label), state);
  item.id = node.id;
  const description = node.description ? visibleText(node.description) : '';
  if (mark) item.description = description ? `${mark.word} · ${description}` : mark.word;
  else if (description) item.description = description;
  const aria = visibleText(node.ariaLabel ?? (description ? `${node.label}, ${description}` : node.label));
  if (mark) item.accessibilityInformation = { label: `${aria}, ${mark.ariaText}` };
  else if (node.ariaLabel) item.accessibilityInformation = { label: aria };
  const icon = mark ? { id: mark.icon, color: mark.iconColor } : { id: node.icon, color: node.iconColor };
  item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
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
export function resolveTooltip(item: vscode.TreeItem, node: ViewNode, mark?: VerdictMark): vscode.TreeItem {
  const tooltip = [node.tooltip, mark?.tooltip].filter(Boolean).join('\n\n');
  if (tooltip) item.tooltip = new vscode.MarkdownString(tooltip);
  return item;
}
