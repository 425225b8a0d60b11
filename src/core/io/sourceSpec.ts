// Where a checkpoint's bytes come from, as plain data that can cross to a worker thread, and the
// one factory that opens a byte source for it. The extension decides the spec from a URI
// (`file:` → a path; other schemes → bytes it read through `workspace.fs`); the CLI from its
// argument. Every reader, worker and sidecar lookup opens bytes through `openSource`.
import { BufferByteSource } from './bufferByteSource';
import type { ByteSource } from './byteSource';
import { FileByteSource } from './fileByteSource';

export type SourceSpec =
  /** A file on this machine (or the remote machine the extension host runs on): positioned reads. */
  | { kind: 'file'; path: string }
  /**
   * Bytes already in memory: a file read whole through another file system. Backed by a
   * SharedArrayBuffer when it is to be shared with worker threads without a copy.
   */
  | { kind: 'memory'; name: string; bytes: Uint8Array }
  /**
   * A file on a web server, read by HTTP range requests. `headers` (a token) go to the URL's own
   * origin only.
   */
  | { kind: 'url'; url: string; headers?: Readonly<Record<string, string>> };

/** A CLI argument or a setting as a spec: an http(s) URL, or a path on this machine. */
export function specOf(arg: string): SourceSpec {
  return /^https?:\/\//i.test(arg) ? { kind: 'url', url: arg } : { kind: 'file', path: arg };
}

/** A short name for messages: the path, or the name the bytes came under. */
export function sourceName(spec: SourceSpec): string {
  return spec.kind === 'file' ? spec.path : spec.kind === 'url' ? spec.url : spec.name;
}

/** A key that tells specs apart, for caches of open sources. */
export function sourceKey(spec: SourceSpec): string {
  if (spec.kind === 'file') return `file:${spec.path}`;
  if (spec.kind === 'url') return `url:${spec.url}`;
  return `memory:${spec.name}:${spec.bytes.byteLength}`;
}

export async function openSource(spec: SourceSpec): Promise<ByteSource> {
  switch (spec.kind) {
    case 'file':
      return FileByteSource.open(spec.path);
    case 'memory':
      return new BufferByteSource(spec.bytes);
    case 'url': {
      // Loaded when first needed: node:http and node:https cost some 9 ms of CPU in every thread
      // that loads them (the CLI and each kernel worker), and most sources are files.
      const { HttpByteSource } = await import('./httpByteSource.js');
      return HttpByteSource.open(spec.url, { headers: spec.headers });
    }
  }
}

/**
 * `bytes` on a SharedArrayBuffer (copied once), so that workers read them without a copy each.
 * Already shared bytes are returned as they are.
 */
export function shareBytes(bytes: Uint8Array): Uint8Array {
  if (typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}
