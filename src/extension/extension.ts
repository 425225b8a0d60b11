import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerExportCommand } from './exportCommand';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';
import { createSessionClient, sessionOpenerFor } from './sessionHost';

export function activate(context: vscode.ExtensionContext): void {
  const client = createSessionClient(context);
  const tree = registerCheckpointTree(context);
  const inspector = registerInspector(context, sessionOpenerFor(client));
  context.subscriptions.push(...registerExportCommand(client, inspector, tree));
  registerRemoteCheckpoints(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
