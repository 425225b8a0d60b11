// `export <in> <out.pt|out.safetensors|outdir/> [--key PATH] [--dtype bf16|fp16|fp32]
// [--strip-prefix P]... [--max-shard-size 5GB] [--force] [--sync] [--json]`: the model's weights alone,
// for inference. Exit 0 when written, 1 when it cannot be (nothing is left behind), 2 for bad arguments.
import { CAST_TARGETS } from '../core/export/elementCast';
import type { CastName } from '../core/export/elementCast';
import { exportFromSession } from '../core/session/sessionExport';
import type { ExportOptions, ExportResult } from '../core/export/exportCheckpoint';
import { contentLine, sizeLine } from '../core/export/exportSummary';
import { parseSize } from '../core/export/shardPlan';
import { describeError } from '../core/errors';
import { formatBytes } from '../core/format';
import { CheckpointSession } from '../core/session/checkpointSession';
import { withPool } from './cliPool';
import { specOf } from '../core/io/sourceSpec';
import { writeText } from './textOutput';

const USAGE = `usage: checkpoint-manager export <in> <out.pt|out.safetensors|outdir/> [--key PATH] [--dtype bf16|fp16|fp32]
                                 [--strip-prefix P]... [--max-shard-size 5GB] [--force] [--sync] [--json]
  Writes the model's weights only (found under model_state_dict, model, state_dict or module, or
  the whole file when it is a flat state dict; --key names another). A folder (ending in /) gets
  safetensors shards with model.safetensors.index.json. --strip-prefix removes e.g. _orig_mod.
  An existing target is replaced only with --force; the source never. A replaced target's new
  file is flushed to the disk before the rename; --sync flushes a new target's too (cp does not).
`;

type Parsed = { ok: true; input: string; json: boolean; options: ExportOptions } | { ok: false; message: string };

function parseArgs(args: readonly string[]): Parsed {
  const paths: string[] = [];
  const options: Omit<ExportOptions, 'output'> & { stripPrefixes: string[] } = { stripPrefixes: [] };
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '--json') json = true;
    else if (a === '--force') options.force = true;
    else if (a === '--sync') options.sync = true;
    else if (a === '--key') {
      const v = value();
      if (v === undefined) return { ok: false, message: '--key needs a path' };
      options.key = v;
    } else if (a === '--dtype') {
      const v = value();
      if (v === undefined || !Object.hasOwn(CAST_TARGETS, v)) return { ok: false, message: `--dtype takes ${Object.keys(CAST_TARGETS).join(', ')}` };
      options.dtype = v as CastName;
    } else if (a === '--strip-prefix') {
      const v = value();
      if (!v) return { ok: false, message: '--strip-prefix needs a prefix' };
      options.stripPrefixes.push(v);
    } else if (a === '--max-shard-size') {
      const v = value();
      const bytes = v === undefined ? undefined : parseSize(v);
      if (bytes === undefined) return { ok: false, message: '--max-shard-size takes a size such as 5GB, 500MB or 2GiB' };
      options.maxShardBytes = bytes;
    } else if (a.startsWith('--')) return { ok: false, message: `unknown argument ${a}` };
    else paths.push(a);
  }
  if (paths.length !== 2) return { ok: false, message: paths.length < 2 ? 'give the checkpoint and where to write' : `unexpected argument ${paths[2]}` };
  return { ok: true, input: paths[0]!, json, options: { ...options, output: paths[1]! } };
}

function summaryText(r: ExportResult): string {
  const lines = r.files.map((f) => `wrote ${f.path} (${formatBytes(f.bytes)}${f.flushed ? ', flushed to disk' : ''})`);
  lines.push(contentLine(r));
  lines.push(sizeLine(r));
  if (r.dropped.length) lines.push(`left out: ${r.dropped.join(', ')}`);
  return lines.join('\n');
}

export async function exportCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`export: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  try {
    // Kernel workers check the source's records while this thread copies them.
    return await withPool(async (pool) => {
      const session = await CheckpointSession.open(specOf(parsed.input), { pool });
      try {
        const result = await exportFromSession(session, parsed.options);
        if (parsed.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else writeText(`${summaryText(result)}\n`);
        return 0;
      } finally {
        await session.close();
      }
    });
  } catch (err) {
    process.stderr.write(`export: ${describeError(err)}\n`);
    return 1;
  }
}
