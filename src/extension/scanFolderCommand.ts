// Scan Folder for Unsafe Checkpoints: every checkpoint and pickle file below a folder judged from
// its pickle in the session worker, with progress and Cancel, then the findings in a quick pick
// that opens the one chosen. Reading only: it works in untrusted workspaces too.
import { opendir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';
import { findingText, markKindOf } from '../core/security/verdictMark';
import type { FileVerdict, MarkKind } from '../core/security/verdictMark';
import { visibleText } from '../core/visibleText';
import { openCheckpoint } from './checkpointTreeCommands';
import type { VerdictScan } from './verdictScan';

export const SCAN_FOLDER_COMMAND = 'checkpointManager.scanFolder';

/** What a pickle can hide in: checkpoints, weights `.bin` files and plain pickles. */
const SCANNED = /\.(pt|pth|ckpt|bin|safetensors|pkl|pickle)$/i;
/** Folders that hold no checkpoints of the user's and can be huge. */
const SKIPPED = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv']);

export interface Finding {
  path: string;
  kind: MarkKind;
  verdict: FileVerdict;
}

export interface FolderScanResult {
  folder: string;
  scanned: number;
  findings: Finding[];
  cancelled: boolean;
}

/** Checkpoint files below `dir` (symbolic links are not followed, so a loop cannot trap the walk). */
async function* candidates(dir: string, token: vscode.CancellationToken): AsyncGenerator<string> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return; // unreadable: nothing to scan there
  }
  const folders: string[] = [];
  for await (const entry of handle) {
    if (token.isCancellationRequested) return;
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) folders.push(join(dir, entry.name));
    else if (entry.isFile() && SCANNED.test(entry.name)) yield join(dir, entry.name);
  }
  for (const f of folders.sort()) yield* candidates(f, token);
}

function folderOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (arg && typeof arg === 'object' && 'contextValue' in arg) return (arg as ViewNode).path;
  return undefined;
}

async function askFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Scan Folder',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

export async function scanFolder(folder: string, scan: VerdictScan): Promise<FolderScanResult> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Scanning ${basename(folder) || folder} for unsafe checkpoints`, cancellable: true },
    async (progress, token) => {
      const stop = new AbortController();
      const cancel = token.onCancellationRequested(() => stop.abort());
      const result: FolderScanResult = { folder, scanned: 0, findings: [], cancelled: false };
      try {
        for await (const path of candidates(folder, token)) {
          if (token.isCancellationRequested) break;
          progress.report({ message: visibleText(relative(folder, path)) });
          let verdict: FileVerdict;
          try {
            const s = await stat(path);
            verdict = await scan.judgeNow({ path, bytes: s.size, mtimeMs: s.mtimeMs }, stop.signal);
          } catch (err) {
            if (token.isCancellationRequested) break;
            verdict = { verdict: 'safe', globals: [], dangerous: [], suspicious: [], error: { message: err instanceof Error ? err.message : String(err) } };
          }
          result.scanned++;
          const kind = markKindOf(verdict);
          if (kind) result.findings.push({ path, kind, verdict });
        }
      } finally {
        cancel.dispose();
      }
      result.cancelled = token.isCancellationRequested;
      return result;
    },
  );
}

const ICONS: Record<MarkKind, string> = { dangerous: '$(error)', suspicious: '$(warning)', broken: '$(circle-slash)' };
const ORDER: Record<MarkKind, number> = { dangerous: 0, suspicious: 1, broken: 2 };

/** The findings in a quick pick, worst first; choosing one opens it in the inspector. */
function showFindings(result: FolderScanResult): void {
  const where = visibleText(basename(result.folder) || result.folder);
  if (result.findings.length === 0) {
    const note = result.cancelled ? `Scan cancelled after ${result.scanned} files: nothing unsafe so far in ${where}.` : `No unsafe checkpoints in ${where} (${result.scanned} files scanned).`;
    void vscode.window.showInformationMessage(note);
    return;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { path: string }>();
  pick.title = `${result.findings.length} of ${result.scanned} files in ${where} are not safe${result.cancelled ? ' (scan cancelled)' : ''}`;
  pick.placeholder = 'Open a file in the Checkpoint Inspector (it is read, never run)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = [...result.findings]
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.path.localeCompare(b.path))
    .map((f) => ({
      label: `${ICONS[f.kind]} ${visibleText(relative(result.folder, f.path))}`,
      description: f.kind === 'broken' ? 'unreadable' : f.kind,
      detail: visibleText(findingText(f.verdict)),
      path: f.path,
    }));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (chosen) void openCheckpoint(chosen.path);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

export function registerScanFolderCommand(scan: VerdictScan): vscode.Disposable {
  // Returns what it found, for the integration tests (the quick pick stays open for the user).
  return vscode.commands.registerCommand(SCAN_FOLDER_COMMAND, async (arg?: unknown): Promise<FolderScanResult | undefined> => {
    const folder = folderOf(arg) ?? (arg === undefined ? await askFolder() : undefined);
    if (!folder) return undefined;
    const result = await scanFolder(folder, scan);
    showFindings(result);
    return result;
  });
}
