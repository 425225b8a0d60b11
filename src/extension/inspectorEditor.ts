import type * as vscode from 'vscode';

/** Registers the readonly custom editor that inspects checkpoint files. */
export function registerInspector(_context: vscode.ExtensionContext): void {
  // Filled in by the inspector work.
}
