import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';

export function activate(context: vscode.ExtensionContext): void {
  registerCheckpointTree(context);
  registerInspector(context);
  registerRemoteCheckpoints(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
