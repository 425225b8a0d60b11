// Where the harness put this run's fresh copies of the fixtures (scripts/run-integration.mjs).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'checkpoint-manager.checkpoint-manager';

/** A file of the repository's own fixtures (broken and hostile files are not copied into the scratch home). */
export function repoFixture(...parts: string[]): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} should be installed`);
  return join(extension.extensionPath, 'test', 'fixtures', ...parts);
}

/** The nanochat home the extension host was started with. */
export function nanochatBaseDir(): string {
  const dir = process.env.NANOCHAT_BASE_DIR;
  if (!dir) throw new Error('NANOCHAT_BASE_DIR is not set: run the tests through scripts/run-integration.mjs');
  return dir;
}

/** The single workspace folder the window was opened on. */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: run the tests through scripts/run-integration.mjs');
  return folder.uri.fsPath;
}

/** Every file below `dir` whose name ends with `suffix`, sorted. */
export function filesEndingWith(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name))
    .sort();
}

/** Polls `probe` (sync or async) every `intervalMs` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs `promise` but fails with a sentence, not a mocha timeout, when it hangs. */
export async function within<T>(what: string, promise: Thenable<T>, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
