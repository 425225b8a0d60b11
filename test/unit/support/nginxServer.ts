// Debian's nginx on loopback for the tests of reading over HTTP: serves a folder with range
// support at /, the same folder with ranges turned off at /noranges/, and logs every request
// (method, URI, Range header, status), so tests count what a read cost. One instance per call,
// in its own temporary prefix, on a free port; stop() ends it and removes the prefix.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';

/** The path asked for until nginx answers (with a 404). */
const READY_PROBE = '/__ready__';

export interface LoggedRequest {
  method: string;
  uri: string;
  range: string;
  status: number;
}

export interface NginxServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Requests served so far, in order. */
  requests(): LoggedRequest[];
  /**
   * The requests once the log has stopped growing (no new line for 100 ms, or 2 s at most):
   * nginx writes a line when it ends a request, which can be after the client has gone on.
   */
  settled(): Promise<LoggedRequest[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startNginx(root: string): Promise<NginxServer> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx-light (scripts/ensure-vscode.mjs installs it).`);
  const prefix = mkdtempSync(join(tmpdir(), 'cpm-nginx-'));
  const port = await freePort();
  const log = join(prefix, 'access.log');
  const conf = join(prefix, 'nginx.conf');
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  writeFileSync(
    conf,
    `${user}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  log_format counted '$request_method\\t$uri\\t$http_range\\t$status';
  access_log ${log} counted;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  default_type application/octet-stream;
  sendfile on;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location /noranges/ { alias ${root}/; max_ranges 0; }
    location = /moved { return 302 /model.safetensors; }
  }
}
`,
  );
  const test = spawnSync(NGINX, ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);
  const child = spawn(NGINX, ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const origin = `http://127.0.0.1:${port}`;
  // Ready when it answers; it binds within a few ms.
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${origin}${READY_PROBE}`);
      await res.body?.cancel();
      break;
    } catch {
      if (child.exitCode !== null || i > 200) throw new Error(`nginx did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  // The probe's log line can be written after its answer has reached us (nginx logs a request
  // as it ends it), so it is left out by its URI rather than by counting lines here.
  const requests = (): LoggedRequest[] =>
    (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [])
      .map((line) => {
        const [method, uri, range, status] = line.split('\t');
        return { method, uri, range: range === '-' ? '' : range, status: Number(status) };
      })
      .filter((r) => r.uri !== READY_PROBE);
  return {
    origin,
    requests,
    settled: async () => {
      let seen = requests();
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = requests();
        if (now.length === seen.length) return now;
        seen = now;
      }
      return seen;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
