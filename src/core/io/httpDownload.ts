// The whole file at a URL, streamed to disk: for a server that ignores `Range` (the byte source
// refuses it with a `no-ranges` error), when the user chooses to download it rather than stop.
// Written beside the target and renamed when complete, so a cut connection or a cancel leaves no
// half file under the target's name. Redirects are followed by hand; `headers` (a token) go only
// to the URL's own origin, as the byte source sends them.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RemoteSourceError } from './remoteSourceError';

export interface DownloadOptions {
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Bytes written so far, and the whole size when the server said it. */
  onProgress?: (done: number, total: number | undefined) => void;
}

const MAX_REDIRECTS = 5;

function open(at: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const target = new URL(at);
  return new Promise((resolve, reject) => {
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { headers, signal });
    req.on('error', reject);
    req.on('response', resolve);
    req.end();
  });
}

/** Streams `url` into `target`; returns the bytes written. Throws RemoteSourceError for a bad answer or a cut body. */
export async function downloadUrl(url: string, target: string, options: DownloadOptions = {}): Promise<number> {
  const origin = new URL(url).origin;
  let at = url;
  let res: IncomingMessage;
  for (let hop = 0; ; hop++) {
    try {
      res = await open(at, new URL(at).origin === origin ? { ...options.headers } : {}, options.signal);
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      throw new RemoteSourceError('network', `${url}: ${err instanceof Error ? err.message : String(err)}.`);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location) {
      res.destroy();
      if (hop >= MAX_REDIRECTS) throw new RemoteSourceError('status', `${url}: more than ${MAX_REDIRECTS} redirects.`, status);
      at = new URL(location, at).toString();
      continue;
    }
    if (status !== 200) {
      res.destroy();
      throw new RemoteSourceError('status', `${url}: the server answered ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}.`, status);
    }
    break;
  }
  const length = Number(res.headers['content-length']);
  const total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
  const part = `${target}.part-${process.pid}`;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(part, { flags: 'wx' });
      const fail = (err: Error): void => {
        res.destroy();
        out.destroy();
        // A cancel ends the body too: say it was the cancel, not the connection.
        reject(options.signal?.aborted ? new DOMException('The download was cancelled.', 'AbortError') : err);
      };
      res.on('data', (chunk: Buffer) => {
        done += chunk.length;
        options.onProgress?.(done, total);
      });
      res.on('aborted', () => fail(new RemoteSourceError('network', `${url}: the connection ended after ${done} bytes.`)));
      res.on('error', (err) => fail(err.name === 'AbortError' ? err : new RemoteSourceError('network', `${url}: ${err.message}.`)));
      out.on('error', fail);
      out.on('finish', () => resolve());
      res.pipe(out);
    });
    if (total !== undefined && done !== total) throw new RemoteSourceError('network', `${url}: the connection ended after ${done} of ${total} bytes.`);
    await rename(part, target);
    return done;
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}
