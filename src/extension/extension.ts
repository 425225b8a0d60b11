import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerInspector } from './inspectorEditor';

export function activate(context: vscode.ExtensionContext): void {
  registerCheckpointTree(context);
  registerInspector(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
