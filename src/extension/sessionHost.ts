// The extension's one session worker: every inspector's checkpoint is parsed, hashed and
// reduced there, off the extension host's thread, with its bytes picked by URI (byteSources.ts).
import * as vscode from 'vscode';
import { SessionClient } from '../core/session/sessionClient';
import { sidecarFor, sourceSpecFor } from './byteSources';
import type { SessionOpener } from './inspectorDocument';

/** Internal: used by the integration tests to see whether the worker runs; not in the palette. */
export const SESSION_TESTING_COMMAND = 'checkpointManager._testing.sessionWorker';

export function createSessionOpener(context: vscode.ExtensionContext): SessionOpener {
  const client = new SessionClient({ script: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sessionWorker.js').fsPath });
  context.subscriptions.push(
    { dispose: () => void client.dispose() },
    vscode.commands.registerCommand(SESSION_TESTING_COMMAND, () => ({ active: client.active, sessions: client.sessions, rss: process.memoryUsage().rss })),
  );
  return async (uri, signal) => client.openSession(await sourceSpecFor(uri), { signal, sidecar: await sidecarFor(uri) });
}
