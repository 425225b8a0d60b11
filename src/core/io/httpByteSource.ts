// A byte source over HTTP(S) with `Range` requests, for checkpoints on a web server, an object
// store (S3/GCS presigned or public URLs) or the Hugging Face Hub: only the bytes a reader asks
// for are fetched. Small reads go through a cache of aligned blocks, so that a zip's end records
// and directory, a pickle and a safetensors header cost a few requests; big reads (tensor bytes)
// are fetched as they are asked for, uncached. Failed requests are tried again with backoff; a
// server that ignores ranges, a file that changes while it is read and a body cut short are
// errors that say so.
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TruncatedError } from '../errors';
import { checkRange } from './binary';
import { BlockCache } from './blockCache';
import type { ByteSource } from './byteSource';
import { RemoteSourceError } from './remoteSourceError';

export interface HttpSourceOptions {
  /** Sent with every request to the URL's own origin, never to another one after a redirect. */
  headers?: Readonly<Record<string, string>>;
  /** Bytes per cached block (default 256 KiB); the first request fetches one. */
  blockSize?: number;
  /** Bytes of blocks kept (default 16 MiB), least recently used first out. */
  cacheBytes?: number;
  /** Tries after the first for a request that fails on the way (default 3). */
  retries?: number;
  /** Milliseconds before the first retry, doubled for each next one (default 250). */
  backoffMs?: number;
  /** Milliseconds a request may go without a byte, answer or body (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What a source has cost: for the tests and the benchmark, which count requests. */
export interface HttpSourceCounts {
  requests: number;
  bytes: number;
}

const DEFAULTS = { blockSize: 256 * 1024, cacheBytes: 16 * 1024 * 1024, retries: 3, backoffMs: 250, timeoutMs: 60_000 };
const MAX_REDIRECTS = 5;
/** A read of this many blocks or more skips the cache: it is tensor bytes, read once. */
const DIRECT_BLOCKS = 4;

interface Validator {
  etag?: string;
  lastModified?: string;
}

export class HttpByteSource implements ByteSource {
  private readonly cache: BlockCache;
  private closed = false;

  private constructor(
    readonly url: string,
    readonly size: number,
    private readonly options: Required<Omit<HttpSourceOptions, 'headers' | 'signal'>> & Pick<HttpSourceOptions, 'headers' | 'signal'>,
    private readonly validator: Validator,
    readonly counts: HttpSourceCounts,
  ) {
    this.cache = new BlockCache(size, { blockSize: options.blockSize, cacheBytes: options.cacheBytes, directBlocks: DIRECT_BLOCKS }, (from, to) => this.fetch(from, to));
  }

  /**
   * Learns the size from the answer to a request for the first block (kept in the cache). Throws
   * RemoteSourceError: `no-ranges` when the server sends the whole file instead, `status` for an
   * error status (404, 403, ...), `network` when it cannot be reached after the retries.
   */
  static async open(url: string, options: HttpSourceOptions = {}): Promise<HttpByteSource> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RemoteSourceError('status', `${url}: only http and https URLs are read.`);
    const settings = { ...DEFAULTS, ...dropUndefined(options) };
    const counts: HttpSourceCounts = { requests: 0, bytes: 0 };
    const first = await rangeRequest(url, 0, settings.blockSize, settings, counts, undefined);
    const source = new HttpByteSource(url, first.total, settings, first.validator, counts);
    if (first.bytes.length > 0) source.cache.keep(0, first.bytes);
    return source;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error(`Cannot read ${this.url}: the source has been closed.`);
    checkRange(offset, length);
    if (offset + length > this.size) throw new TruncatedError();
    return this.cache.read(offset, length);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cache.clear();
  }

  private fetch(from: number, to: number): Promise<Uint8Array> {
    return rangeRequest(this.url, from, to - from, this.options, this.counts, this.validator).then((r) => r.bytes);
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface RangeAnswer {
  bytes: Uint8Array;
  total: number;
  validator: Validator;
}

type Settings = Required<Omit<HttpSourceOptions, 'headers' | 'signal'>> & Pick<HttpSourceOptions, 'headers' | 'signal'>;

/** Errors worth another try: the network, a cut body, a busy or failing server. */
function retryable(err: unknown): boolean {
  return err instanceof RemoteSourceError ? err.code === 'network' || (err.code === 'status' && (err.status === 429 || (err.status ?? 0) >= 500)) : false;
}

async function rangeRequest(url: string, offset: number, length: number, settings: Settings, counts: HttpSourceCounts, expect: Validator | undefined): Promise<RangeAnswer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rangeOnce(url, offset, length, settings, counts, expect);
    } catch (err) {
      if (settings.signal?.aborted) throw settings.signal.reason instanceof Error ? settings.signal.reason : new Error('Cancelled.');
      if (!retryable(err) || attempt >= settings.retries) throw err;
      await sleep(settings.backoffMs * 2 ** attempt, settings.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** An answer's status and headers, and its body to read or drop. */
interface Answer {
  status: number;
  header(name: string): string | undefined;
  /** The body, which must be `expected` bytes at most (more is an error); fewer when cut. */
  body(expected: number): Promise<Uint8Array>;
  drop(): void;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * One GET with node:http(s) (fetch costs a tenth of a second to load in a fresh process, more
 * than a whole inspect): connections are kept alive between the reads of a source.
 */
function get(at: string, headers: Record<string, string>, settings: Settings): Promise<Answer> {
  const target = new URL(at);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(target, { headers, agent: secure ? agents.https : agents.http, signal: settings.signal });
    req.setTimeout(settings.timeoutMs, () => req.destroy(new Error('no answer within the time allowed')));
    req.on('error', reject);
    req.on('response', (res) => {
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v.join(', ') : v;
        },
        drop: () => res.destroy(),
        body: (expected) =>
          new Promise((done, fail) => {
            const out = new Uint8Array(expected);
            let got = 0;
            res.on('data', (chunk: Buffer) => {
              if (got + chunk.length > expected) {
                res.destroy();
                fail(new RemoteSourceError('status', `${at}: the server sent more bytes than the range asked for.`, res.statusCode));
                return;
              }
              out.set(chunk, got);
              got += chunk.length;
            });
            res.on('end', () => done(got === expected ? out : out.subarray(0, got)));
            res.on('aborted', () => done(out.subarray(0, got)));
            res.on('error', () => done(out.subarray(0, got)));
          }),
      });
    });
    req.end();
  });
}

/** One request for bytes [offset, offset + length), following redirects by hand. */
async function rangeOnce(url: string, offset: number, length: number, settings: Settings, counts: HttpSourceCounts, expect: Validator | undefined): Promise<RangeAnswer> {
  const origin = new URL(url).origin;
  let at = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { ...(new URL(at).origin === origin ? settings.headers : {}), Range: `bytes=${offset}-${offset + Math.max(1, length) - 1}` };
    let res: Answer;
    counts.requests++;
    try {
      res = await get(at, headers, settings);
    } catch (err) {
      throw networkError(url, err);
    }
    const location = res.header('location');
    if (res.status >= 300 && res.status < 400 && location) {
      res.drop();
      if (hop >= MAX_REDIRECTS) throw new RemoteSourceError('status', `${url}: more than ${MAX_REDIRECTS} redirects.`, res.status);
      at = new URL(location, at).toString();
      continue;
    }
    if (res.status === 416 && offset === 0) {
      // Nothing to send from byte 0: the file is empty ("bytes */0").
      res.drop();
      return { bytes: new Uint8Array(0), total: totalOf(res.header('content-range')) ?? 0, validator: validatorOf(res) };
    }
    if (res.status === 200) {
      res.drop();
      const size = Number(res.header('content-length'));
      throw new RemoteSourceError('no-ranges', `${url}: the server sends the whole file (${Number.isFinite(size) && size > 0 ? `${size} bytes` : 'of unknown size'}) instead of the parts asked for; it does not support range requests.`, 200, Number.isFinite(size) ? size : undefined);
    }
    if (res.status !== 206) {
      res.drop();
      throw new RemoteSourceError('status', `${url}: the server answered ${res.status}${STATUS_CODES[res.status] ? ` ${STATUS_CODES[res.status]}` : ''}.`, res.status);
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.header('content-range') ?? '');
    if (!range || Number(range[1]) !== offset) {
      res.drop();
      throw new RemoteSourceError('status', `${url}: the server answered a range request with other bytes (${res.header('content-range') ?? 'no Content-Range'}).`, 206);
    }
    const validator = validatorOf(res);
    if (expect && changed(expect, validator)) {
      res.drop();
      throw new RemoteSourceError('changed', `${url} changed on the server while it was being read; open it again.`, 206);
    }
    const total = range[3] === '*' ? Number(range[2]) + 1 : Number(range[3]);
    const want = Math.max(0, Math.min(length, total - offset));
    const body = await res.body(Number(range[2]) - offset + 1);
    counts.bytes += body.length;
    if (body.length < want) throw new RemoteSourceError('network', `${url}: the connection ended after ${body.length} of ${want} bytes.`);
    return { bytes: body.length > want ? body.subarray(0, want) : body, total, validator };
  }
}

function networkError(url: string, err: unknown): RemoteSourceError | Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RemoteSourceError('network', `${url}: ${message}.`);
}

function totalOf(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

function validatorOf(res: Answer): Validator {
  const etag = res.header('etag');
  const lastModified = res.header('last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function changed(a: Validator, b: Validator): boolean {
  if (a.etag && b.etag) return a.etag !== b.etag;
  if (a.lastModified && b.lastModified) return a.lastModified !== b.lastModified;
  return false;
}
