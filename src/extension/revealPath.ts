// Reveal in File Explorer where there may be no file explorer: desktop VS Code opens the system
// file manager; code-server, VS Code in the browser and Remote windows have none (there
// `revealFileInOS` is not even registered), so a path inside the workspace is shown in VS Code's
// own Explorer, and any other path gets a message with what can be done with it instead.

import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How a path was revealed: by the OS, in the Explorer view, or in a message with choices. */
export type RevealOutcome = 'os' | 'explorer' | 'message';

/** True where the system file manager can show this extension host's files. */
async function hasOsFileManager(): Promise<boolean> {
  // In a Remote window the files live on the remote machine, not where the file manager runs.
  if (vscode.env.remoteName) return false;
  return (await vscode.commands.getCommands(true)).includes('revealFileInOS');
}

async function folderOf(path: string): Promise<string> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? path : dirname(path);
}

async function offerChoices(path: string): Promise<void> {
  const terminal = 'Open Terminal Here';
  const window = 'Open Folder in New Window';
  const copy = 'Copy Path';
  const choice = await vscode.window.showInformationMessage(
    `${path} is outside the workspace, and this window has no system file manager.`,
    terminal,
    window,
    copy,
  );
  if (choice === copy) await vscode.env.clipboard.writeText(path);
  else if (choice === terminal) vscode.window.createTerminal({ cwd: await folderOf(path) }).show();
  else if (choice === window) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(await folderOf(path)), { forceNewWindow: true });
}

/** Reveals `path`; resolves once it is shown (the message's choices are left to the user). */
export async function revealPath(path: string): Promise<RevealOutcome> {
  const uri = vscode.Uri.file(path);
  if (await hasOsFileManager()) {
    await vscode.commands.executeCommand('revealFileInOS', uri);
    return 'os';
  }
  if (vscode.workspace.getWorkspaceFolder(uri)) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    return 'explorer';
  }
  void offerChoices(path);
  return 'message';
}
