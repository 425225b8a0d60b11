import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerCompareCommands } from './compareCommands';
import { registerExportCommand } from './exportCommand';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';
import { registerScanFolderCommand } from './scanFolderCommand';
import { registerSecurityProblems } from './securityProblems';
import { createSessionClient, sessionOpener } from './sessionHost';
import { VerdictScan } from './verdictScan';

export function activate(context: vscode.ExtensionContext): void {
  // One session worker: the inspectors, the comparisons and the exports parse in it, and the
  // tree's security scan reads pickles in it.
  const client = createSessionClient(context);
  const scan = new VerdictScan((path, signal) => client.verdict({ kind: 'file', path }, { signal }));
  context.subscriptions.push(scan, registerSecurityProblems(scan), registerScanFolderCommand(scan));
  const tree = registerCheckpointTree(context, scan);
  const inspector = registerInspector(context, sessionOpener(client));
  context.subscriptions.push(...registerExportCommand(client, inspector, tree));
  registerRemoteCheckpoints(context);
  context.subscriptions.push(...registerCompareCommands({ client, extensionUri: context.extensionUri }, tree));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
