// A server that ignores `Range` cannot be read piece by piece: the inspector shows the error, and
// this offers the user's choice beside it, download the whole file or stop. The download goes to
// a folder of its own under the system's temporary folder, with a cancellable progress
// notification, and opens in the inspector when it is complete.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { downloadUrl } from '../core/io/httpDownload';
import { formatBytes } from '../core/format';
import { headersForUrl } from './remoteCheckpoints';

const INSPECTOR_VIEW_TYPE = 'checkpointManager.inspector';
export const RANGE_FALLBACK_TESTING_COMMAND = 'checkpointManager._testing.rangeFallback';
const DOWNLOAD = 'Download and Open';

/** Answers queued by a test, taken in order instead of asking (see RANGE_FALLBACK_TESTING_COMMAND). */
const queued: Array<'download' | 'stop'> = [];
/** What the last offer did, for the tests. */
let last: { url: string; downloaded?: string; error?: string } | undefined;

async function choose(host: string, size: number | undefined): Promise<boolean> {
  const answer = queued.shift();
  if (answer) return answer === 'download';
  const picked = await vscode.window.showWarningMessage(
    `${host} does not answer range requests, so this checkpoint cannot be read piece by piece. Download the whole file${size ? ` (${formatBytes(size)})` : ''} to a temporary folder and open it?`,
    DOWNLOAD,
    'Stop',
  );
  return picked === DOWNLOAD;
}

/** Offers to download `uri` (an http(s) address whose server sent the whole file instead of a range). */
export async function offerDownload(uri: vscode.Uri, size: number | undefined): Promise<void> {
  const url = uri.toString(true);
  last = { url };
  if (!(await choose(uri.authority, size))) return;
  const name = basename(uri.path) || 'checkpoint';
  const target = join(mkdtempSync(join(tmpdir(), 'checkpoint-manager-download-')), name);
  try {
    const headers = await headersForUrl(url);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${name}`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let shown = 0;
      await downloadUrl(url, target, {
        ...(headers ? { headers } : {}),
        signal: controller.signal,
        onProgress: (done, total) => {
          if (!total) return progress.report({ message: formatBytes(done) });
          const percent = Math.floor((done / total) * 100);
          if (percent > shown) progress.report({ increment: percent - shown, message: `${formatBytes(done)} of ${formatBytes(total)}` });
          shown = Math.max(shown, percent);
        },
      });
    });
    last.downloaded = target;
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(target), INSPECTOR_VIEW_TYPE);
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') return;
    last.error = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Could not download ${name}: ${last.error}`);
  }
}

export function registerRangeFallbackTesting(): vscode.Disposable {
  return vscode.commands.registerCommand(RANGE_FALLBACK_TESTING_COMMAND, (answer?: 'download' | 'stop') => {
    if (answer) queued.push(answer);
    return last;
  });
}
