import type * as vscode from 'vscode';

/** Registers the Checkpoints tree, its file watching and its commands. */
export function registerCheckpointTree(_context: vscode.ExtensionContext): void {
  // Filled in by the explorer work (issue 4).
}
