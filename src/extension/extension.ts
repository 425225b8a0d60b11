import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';

export function activate(context: vscode.ExtensionContext): void {
  const tree = registerCheckpointTree(context);
  registerInspector(context, undefined, (path) => tree.markFor(path));
  registerRemoteCheckpoints(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
