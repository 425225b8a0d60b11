// Runs one comparison for a command: opens both checkpoints as sessions in the session worker
// (never parsing on the extension host's thread), compares them there with a cancellable
// progress notification, and hands both sessions to a new report panel. On failure or cancel both
// sessions are closed again.
import * as vscode from 'vscode';
import { parseNanochatName } from '../core/checkpoint/nanochatNames';
import { stepName } from '../core/checkpoint/nanochatStep';
import { abortError, describeError } from '../core/errors';
import type { RemoteSession, SessionClient } from '../core/session/sessionClient';
import { sidecarFor, sourceSpecFor } from './byteSources';
import { ComparePanel } from './comparePanel';

export interface CompareDeps {
  client: SessionClient;
  extensionUri: vscode.Uri;
}

/** A file's name; a nanochat step compared whole through its meta file is named as the tree names it. */
function baseName(uri: vscode.Uri): string {
  const name = uri.path.split('/').pop() ?? uri.toString();
  const part = parseNanochatName(name);
  return part?.part === 'meta' ? stepName(part.step) : name;
}

/** Both names, with their folders where the names alone are the same (`d4/model_000100.pt`). */
export function sideNames(a: vscode.Uri, b: vscode.Uri): { a: string; b: string } {
  const na = baseName(a);
  const nb = baseName(b);
  if (na !== nb) return { a: na, b: nb };
  const parent = (u: vscode.Uri): string => u.path.split('/').slice(-2, -1)[0] ?? '';
  return { a: `${parent(a)}/${na}`, b: `${parent(b)}/${nb}` };
}

function isCancel(err: unknown): boolean {
  return !!err && typeof err === 'object' && ((err as { name?: unknown }).name === 'AbortError' || (err as { code?: unknown }).code === 'cancelled');
}

/** Compares A with B and opens the report; resolves once the report panel is open (undefined when cancelled or failed). */
export async function compareCheckpointUris(deps: CompareDeps, a: vscode.Uri, b: vscode.Uri): Promise<ComparePanel | undefined> {
  const names = sideNames(a, b);
  const stop = new AbortController();
  const opened: RemoteSession[] = [];
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Comparing ${names.a} with ${names.b}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => stop.abort());
        progress.report({ message: 'reading both files…' });
        const open = async (uri: vscode.Uri): Promise<RemoteSession> => {
          const session = await deps.client.openSession(await sourceSpecFor(uri), { signal: stop.signal, sidecar: await sidecarFor(uri) });
          opened.push(session);
          return session;
        };
        const [sa, sb] = await Promise.all([open(a), open(b)]);
        let shown = 0;
        const comparison = await sa.compareWith(sb, {
          signal: stop.signal,
          onProgress: (done, total) => {
            const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
            if (percent <= shown) return;
            progress.report({ increment: percent - shown, message: `${percent}% of the tensor bytes compared` });
            shown = percent;
          },
        });
        if (stop.signal.aborted) throw abortError();
        const pair = { a: sa, b: sb, difference: (pathA: string, pathB: string, o: Parameters<RemoteSession['differenceWith']>[3]) => sa.differenceWith(sb, pathA, pathB, o) };
        return ComparePanel.show(deps.extensionUri, pair, comparison, names);
      },
    );
  } catch (err) {
    await Promise.all(opened.map((s) => s.close()));
    if (isCancel(err)) vscode.window.setStatusBarMessage('Comparison cancelled.', 4000);
    else void vscode.window.showErrorMessage(`Could not compare ${names.a} with ${names.b}: ${describeError(err)}`);
    return undefined;
  }
}
