import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerCompareCommands } from './compareCommands';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';
import { createSessionClient, sessionOpener } from './sessionHost';

export function activate(context: vscode.ExtensionContext): void {
  // One session worker for the inspectors and the comparisons.
  const client = createSessionClient(context);
  const tree = registerCheckpointTree(context);
  registerInspector(context, sessionOpener(client));
  registerRemoteCheckpoints(context);
  context.subscriptions.push(...registerCompareCommands({ client, extensionUri: context.extensionUri }, tree));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
