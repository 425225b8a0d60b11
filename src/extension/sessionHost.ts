// The extension's one session worker: every inspector's checkpoint is parsed, hashed and
// reduced there, and every comparison runs there, off the extension host's thread, with bytes
// picked by URI (byteSources.ts).
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { SessionClient } from '../core/session/sessionClient';
import { sidecarFor, sourceSpecFor } from './byteSources';
import type { SessionOpener } from './inspectorDocument';

/** Internal: used by the integration tests to see whether the worker runs; not in the palette. */
export const SESSION_TESTING_COMMAND = 'checkpointManager._testing.sessionWorker';

/** A full garbage collection of this isolate, for the memory the tests read (V8 exposes `gc` on request). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/**
 * How long a spare worker waits for its first request before it stops: a spare is started at
 * activation and after each worker that served goes, so that opening a checkpoint does not wait
 * for a process to start (94–231 ms of a first open here, in VS Code, against 17–59 ms with a spare).
 */
const SPARE_MS = 5 * 60_000;

let shared: { context: vscode.ExtensionContext; client: SessionClient } | undefined;

/**
 * The extension's one session worker client, made on first use: the inspectors, the comparisons,
 * the exports, the run view, Archive and the tree's security scan share it.
 */
export function sessionClient(context: vscode.ExtensionContext): SessionClient {
  if (shared?.context === context) return shared.client;
  // A child process: what a parse takes goes back to the system when the last inspector closes.
  const client = new SessionClient({ script: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sessionWorker.js').fsPath, kind: 'process', spareMs: SPARE_MS });
  shared = { context, client };
  client.prestart();
  context.subscriptions.push(
    { dispose: () => void client.dispose() },
    vscode.commands.registerCommand(SESSION_TESTING_COMMAND, (collect?: boolean) => {
      if (collect) collectGarbage();
      const { rss, heapUsed, external } = process.memoryUsage();
      return { active: client.active, spare: client.spare, sessions: client.sessions, rss, heapUsed, external };
    }),
  );
  return client;
}

/** Opens the checkpoint at `uri` as a session in the worker, its bytes and sidecar picked by URI. */
export function sessionOpener(client: SessionClient): SessionOpener {
  return async (uri, signal) => client.openSession(await sourceSpecFor(uri), { signal, sidecar: await sidecarFor(uri) });
}
