// `compare <a> <b> [--json] [--align auto|none|model] [--strip-prefix P]`: what differs between
// two checkpoints. Exit codes as diff and cmp: 0 equal, 1 different, 2 trouble (bad arguments, a
// file that cannot be read).
import { compareCheckpoints } from '../core/compare/compareCheckpoints';
import { openCompareSide } from '../core/compare/compareSide';
import type { AlignMode } from '../core/compare/keyAlignment';
import { ALIGN_MODES } from '../core/compare/keyAlignment';
import { describeError } from '../core/errors';
import { KernelPool } from '../core/parallel/kernelPool';
import { compareText } from './compareOutput';
import { specOf } from '../core/io/sourceSpec';

const USAGE = 'usage: checkpoint-manager compare <a> <b> [--json] [--align auto|none|model] [--strip-prefix P]\n';

interface Args {
  files: string[];
  json: boolean;
  align: AlignMode;
  stripPrefix?: string;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { files: [], json: false, align: 'auto' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--align') {
      const mode = args[++i];
      if (!ALIGN_MODES.includes(mode as AlignMode)) return `--align takes ${ALIGN_MODES.join(', ')}`;
      out.align = mode as AlignMode;
    } else if (a === '--strip-prefix') {
      const p = args[++i];
      if (!p) return '--strip-prefix needs a prefix';
      out.stripPrefix = p;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else out.files.push(a);
  }
  return out.files.length === 2 ? out : 'give two checkpoints';
}

function progressLine(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    if (pct !== last) process.stderr.write(`\rcomparing… ${(last = pct)}%`);
  };
}

export async function compareCommand(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    process.stderr.write(`compare: ${opts}\n${USAGE}`);
    return 2;
  }
  const opened: Array<{ close: () => Promise<void> }> = [];
  const pool = new KernelPool();
  const onProgress = progressLine();
  try {
    for (const path of opts.files) opened.push(await openCompareSide(specOf(path)));
    const [a, b] = opened as Array<Awaited<ReturnType<typeof openCompareSide>>>;
    const report = await compareCheckpoints(a!.side, b!.side, { align: opts.align, stripPrefix: opts.stripPrefix, pool, onProgress });
    if (onProgress) process.stderr.write('\r\x1b[K');
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : compareText(report));
    return report.equal ? 0 : 1;
  } catch (err) {
    process.stderr.write(`compare: ${describeError(err)}\n`);
    return 2;
  } finally {
    await Promise.all(opened.map((o) => o.close()));
    await pool.dispose();
  }
}
