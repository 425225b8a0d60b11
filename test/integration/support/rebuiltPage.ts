// For the tests of a panel whose page VS Code rebuilds after its tab was hidden (the panels do not
// retain their page): hiding the tab, and asking a page that may have gone away.
import * as vscode from 'vscode';

/** What a request that reached the page that went away is rejected with once the new page says `ready`. */
export const PAGE_GONE = 'The connection is closed.';

/** Hides the active tab behind a saved file opened in the same group (so closing it asks nothing). */
export async function hideBehind(file: string): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.Active, preview: false });
}

/**
 * Hides the active tab behind `file`, then shows it again (the group's previous editor): a panel
 * that does not retain its page gets a new one.
 */
export async function hideAndShowAgain(file: string): Promise<void> {
  await hideBehind(file);
  await vscode.commands.executeCommand('workbench.action.previousEditor');
}

/** The request's answer, or undefined when it reached the page that went away; any other failure is thrown. */
export async function unlessPageGone<T>(request: Thenable<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof Error && err.message === PAGE_GONE) return undefined;
    throw err;
  }
}
