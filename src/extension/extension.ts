import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerCompareCommands } from './compareCommands';
import { registerExportCommand } from './exportCommand';
import { registerInspector } from './inspectorEditor';
import { registerRangeFallbackTesting } from './rangeFallback';
import { registerRemoteCheckpoints } from './remoteCheckpoints';
import { registerScanFolderCommand } from './scanFolderCommand';
import { registerSecurityProblems } from './securityProblems';
import { sessionClient, sessionOpener } from './sessionHost';
import { VerdictScan } from './verdictScan';

export function activate(context: vscode.ExtensionContext): void {
  // One session worker: the inspectors, the comparisons, the exports and the run view parse in
  // it, and the tree's security scan reads pickles in it.
  const client = sessionClient(context);
  const scan = new VerdictScan((path, signal) => client.verdict({ kind: 'file', path }, { signal }));
  context.subscriptions.push(scan, registerSecurityProblems(scan), registerScanFolderCommand(scan));
  const tree = registerCheckpointTree(context, scan);
  const inspector = registerInspector(context, sessionOpener(client), (path) => tree.markFor(path));
  context.subscriptions.push(...registerExportCommand(client, inspector, tree));
  registerRemoteCheckpoints(context);
  context.subscriptions.push(registerRangeFallbackTesting());
  context.subscriptions.push(...registerCompareCommands({ client, extensionUri: context.extensionUri }, tree));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
