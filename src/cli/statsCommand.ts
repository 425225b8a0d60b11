// `stats <file> [--tensor PATH] [--json]`: min, max, mean, std, zero/NaN/Inf counts and a
// 64-bin histogram of one tensor, or of every distinct tensor (first path each), in float64.
import { formatMetric } from '../core/format';
import { CheckpointSession } from '../core/session/checkpointSession';
import type { TensorStats } from '../core/stats/tensorStats';
import { withPool } from './cliPool';
import { specOf } from '../core/io/sourceSpec';

const USAGE = 'usage: checkpoint-manager stats <file> [--tensor PATH] [--json]\n';

export type StatsRow = { path: string; dtype: string } & (TensorStats | { count: number; error: string });

function parseArgs(args: string[]): { file?: string; tensor?: string; json: boolean; problem?: string } {
  const out: { file?: string; tensor?: string; json: boolean; problem?: string } = { json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--tensor') {
      const path = args[++i];
      if (path === undefined) out.problem = '--tensor needs a tensor path';
      else out.tensor = path;
    } else if (a.startsWith('--') || out.file !== undefined) out.problem = `unknown argument ${a}`;
    else out.file = a;
  }
  if (!out.file && !out.problem) out.problem = 'no file given';
  return out;
}

function cell(v: number | null): string {
  if (v === null) return '-';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-4) ? v.toExponential(3) : formatMetric(v, 5);
}

function textOf(rows: StatsRow[]): string {
  const width = Math.min(60, Math.max(4, ...rows.map((r) => r.path.length)));
  const head = `${'path'.padEnd(width)}  ${'dtype'.padEnd(9)} ${'count'.padStart(10)} ${'min'.padStart(11)} ${'max'.padStart(11)} ${'mean'.padStart(11)} ${'std'.padStart(11)} ${'zeros'.padStart(8)} nan/+inf/-inf`;
  const lines = rows.map((r) => {
    const lead = `${r.path.padEnd(width)}  ${r.dtype.padEnd(9)} ${String(r.count).padStart(10)}`;
    if ('error' in r) return `${lead}  ${r.error}`;
    return `${lead} ${cell(r.min).padStart(11)} ${cell(r.max).padStart(11)} ${cell(r.mean).padStart(11)} ${cell(r.std).padStart(11)} ${String(r.zeros).padStart(8)} ${r.nan}/${r.posinf}/${r.neginf}`;
  });
  return [head, ...lines].join('\n');
}

export async function statsCommand(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (opts.problem) {
    process.stderr.write(`stats: ${opts.problem}\n${USAGE}`);
    return 2;
  }
  const rows = await withPool(async (pool) => {
    const session = await CheckpointSession.open(specOf(opts.file!), { pool, sidecar: null });
    try {
      const targets = opts.tensor !== undefined ? [{ path: opts.tensor, tensor: session.tensor(opts.tensor).tensor }] : session.tensors();
      const out: StatsRow[] = [];
      for (const { path, tensor } of targets) {
        const dtype = tensor.payload.dtype.name;
        try {
          out.push({ path, dtype, ...(await session.stats(path)) });
        } catch (err) {
          // One tensor of an unsupported dtype (quantized, packed) must not hide the others.
          if (opts.tensor !== undefined || (err as { code?: string }).code !== 'unsupported') throw err;
          out.push({ path, dtype, count: tensor.payload.shape.reduce((a, b) => a * b, 1), error: (err as Error).message });
        }
      }
      return out;
    } finally {
      await session.close();
    }
  });
  process.stdout.write(opts.json ? `${JSON.stringify({ tensors: rows })}\n` : `${textOf(rows)}\n`);
  return 0;
}
