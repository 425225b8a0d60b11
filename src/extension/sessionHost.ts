// The extension's one session worker: every inspector's checkpoint is parsed, hashed and
// reduced there, off the extension host's thread, with its bytes picked by URI (byteSources.ts).
import * as vscode from 'vscode';
import { SessionClient } from '../core/session/sessionClient';
import { sidecarFor, sourceSpecFor } from './byteSources';
import type { SessionOpener } from './inspectorDocument';

export function createSessionOpener(context: vscode.ExtensionContext): SessionOpener {
  const client = new SessionClient({ script: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sessionWorker.js').fsPath });
  context.subscriptions.push({ dispose: () => void client.dispose() });
  return async (uri, signal) => client.openSession(await sourceSpecFor(uri), { signal, sidecar: await sidecarFor(uri) });
}
