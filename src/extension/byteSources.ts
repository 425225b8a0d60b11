// Where a checkpoint's bytes come from, picked by its URI as vscode-hexeditor's accessFile does:
// `file:` is read piece by piece with positioned reads on one handle (in the session worker);
// any other scheme is read whole through `workspace.fs`, below a size limit, and handed to the
// worker as shared bytes; `http:` and `https:` are read by range requests in the worker, with the
// host's token when one is kept (remoteCheckpoints.ts). Sidecars come the same way.
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { sidecarNameFor } from '../core/inspect/sidecar';
import type { SourceSpec } from '../core/io/sourceSpec';
import { shareBytes } from '../core/io/sourceSpec';
import { MAX_SIDECAR_BYTES } from '../core/listing/sidecars';
import { headersForUrl } from './remoteCheckpoints';

const MIB = 1024 * 1024;

/** A file too big to read whole through a file system that has no positioned reads. */
export class TooBigForMemoryError extends Error {
  readonly code = 'too-big-for-memory';
  constructor(uri: vscode.Uri, size: number, limit: number) {
    super(
      `${uri.path.split('/').pop()} is ${formatBytes(size)} on a "${uri.scheme}" file system, which is read whole, and that is above the ${formatBytes(limit)} limit ` +
        '(setting checkpointManager.maxInMemoryMiB). Open it from a folder on disk, or raise the setting.',
    );
    this.name = 'TooBigForMemoryError';
  }
}

export function inMemoryLimit(): number {
  return vscode.workspace.getConfiguration('checkpointManager').get<number>('maxInMemoryMiB', 2048) * MIB;
}

export async function sourceSpecFor(uri: vscode.Uri, limit = inMemoryLimit()): Promise<SourceSpec> {
  if (uri.scheme === 'file') return { kind: 'file', path: uri.fsPath };
  if (uri.scheme === 'http' || uri.scheme === 'https') {
    const url = uri.toString(true);
    const headers = await headersForUrl(url);
    return { kind: 'url', url, ...(headers ? { headers } : {}) };
  }
  const { size } = await vscode.workspace.fs.stat(uri);
  if (size > limit) throw new TooBigForMemoryError(uri, size, limit);
  return { kind: 'memory', name: uri.toString(), bytes: shareBytes(await vscode.workspace.fs.readFile(uri)) };
}

/**
 * The sidecar beside a checkpoint that is not on disk, read through `workspace.fs` (the session
 * worker finds a file's own sidecar by path); null when there is none or it is too big.
 */
export async function sidecarFor(uri: vscode.Uri): Promise<{ name: string; spec: SourceSpec } | null | undefined> {
  if (uri.scheme === 'file') return undefined;
  if (uri.scheme === 'http' || uri.scheme === 'https') return null; // a sidecar would cost a request per guess
  const name = sidecarNameFor(uri.path.split('/').pop() ?? '');
  if (!name) return null;
  const sibling = vscode.Uri.joinPath(uri, '..', name);
  try {
    const { size } = await vscode.workspace.fs.stat(sibling);
    if (size > MAX_SIDECAR_BYTES) return null;
    return { name, spec: { kind: 'memory', name: sibling.toString(), bytes: await vscode.workspace.fs.readFile(sibling) } };
  } catch {
    return null;
  }
}

/** The file's size, when it can be stat'ed. */
export async function sizeOf(uri: vscode.Uri): Promise<number | undefined> {
  try {
    return (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    return undefined;
  }
}

/** A small JSON sidecar's text read through `workspace.fs`; undefined when missing, unreadable or too big. */
export async function readSidecarText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_SIDECAR_BYTES) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
