// Which folders the Checkpoints tree lists: the nanochat home, every workspace folder, and the
// folders added in settings. Read from the current configuration each time it changes.

import * as vscode from 'vscode';
import type { RecentWindow } from '../core/listing/runStatus';
import { resolveRetentionPolicy } from '../core/prune/resolvePolicy';
import { basename } from 'node:path';
import { resolveNanochatHome } from '../core/listing/nanochatHome';
import { DEFAULT_SCAN_DEPTH } from '../core/listing/runLocation';

export interface RootSpec {
  path: string;
  label: string;
  source: 'nanochat' | 'workspace' | 'extra';
}

export interface TreeSettings {
  roots: RootSpec[];
  scanDepth: number;
  refreshDelayMs: number;
  /** How long after its last write a run shows as training: its retention policy's `recentMinutes`. */
  recentMsOf: RecentWindow;
}

const SECTION = 'checkpointManager';

export function readTreeSettings(): TreeSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const roots: RootSpec[] = [];
  const seen = new Set<string>();
  const add = (spec: RootSpec): void => {
    if (seen.has(spec.path)) return;
    seen.add(spec.path);
    roots.push(spec);
  };
  add({ path: resolveNanochatHome(config.get<string>('nanochatBaseDir')), label: 'nanochat home', source: 'nanochat' });
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    // Remote-SSH and WSL folders are `file` URIs on the workspace side, where this runs.
    if (folder.uri.scheme === 'file') add({ path: folder.uri.fsPath, label: folder.name, source: 'workspace' });
  }
  for (const extra of config.get<string[]>('extraFolders') ?? []) {
    if (typeof extra === 'string' && extra.trim()) {
      const path = resolveNanochatHome(extra.trim());
      add({ path, label: basename(path) || path, source: 'extra' });
    }
  }
  const retention = config.get('retention');
  return {
    roots,
    scanDepth: config.get<number>('scanDepth') ?? DEFAULT_SCAN_DEPTH,
    refreshDelayMs: config.get<number>('refreshDelayMs') ?? 500,
    recentMsOf: (dir) => resolveRetentionPolicy(retention, dir).policy.recentMinutes * 60_000,
  };
}

/**
 * Appends a folder to `checkpointManager.extraFolders` in the settings the list comes from: the
 * workspace's when the workspace sets it, else the user's. Only that scope's own entries are
 * written back (`get` would return the merged value and copy entries between scopes).
 */
export async function addExtraFolder(path: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<string[]>('extraFolders');
  // What the tree lists now: already there, nothing to add.
  if ((config.get<string[]>('extraFolders') ?? []).includes(path)) return;
  // An untrusted workspace's own list is not applied (restrictedConfigurations): the user's is.
  const inWorkspace = vscode.workspace.isTrusted && vscode.workspace.workspaceFolders !== undefined && inspected?.workspaceValue !== undefined;
  const own = (inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('extraFolders', [...own.filter((e) => typeof e === 'string'), path], target);
}
