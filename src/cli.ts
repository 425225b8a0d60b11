// Command-line front end over the core: `node dist/cli.js <command> ...`.
import { compareCommand } from './cli/compareCommand';
import { describeError } from './core/errors';
import { exportCommand } from './cli/exportCommand';
import { inspectCommand } from './cli/inspectCommand';
import { listCommand } from './cli/listCommand';
import { pruneCommand } from './cli/pruneCommand';
import { scanCommand } from './cli/scanCommand';
import { statsCommand } from './cli/statsCommand';

const USAGE = `usage:
  checkpoint-manager inspect <file> [--json] [--sha256]
  checkpoint-manager stats <file> [--tensor PATH] [--json]
  checkpoint-manager list <root> [--json]
  checkpoint-manager scan <file|dir> [--json]
  checkpoint-manager compare <a> <b> [--json] [--align auto|none|model] [--strip-prefix P]
  checkpoint-manager export <in> <out.pt|out.safetensors|outdir/> [--key PATH] [--dtype bf16|fp16|fp32] [--strip-prefix P] [--max-shard-size 5GB] [--force] [--json]
  checkpoint-manager prune <dir> [--keep-last N] [--keep-best K --metric NAME --mode min|max] [--keep-every K] [--dry-run] [--json] [--yes]

A checkpoint of many files is named by one path, the same for inspect, stats, compare and export:
  a sharded set's folder or *.index.json; a DCP folder or its .metadata; an FSDP rank file;
  a nanochat step's meta_<step>.json (the whole step: model_<step>.pt and every
  optim_<step>_rank<r>.pt; model_<step>.pt or one optim file named itself opens alone).`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = { inspect: inspectCommand, stats: statsCommand, list: listCommand, compare: compareCommand, export: exportCommand, prune: pruneCommand, scan: scanCommand };

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return name === '--help' || name === '-h' ? 0 : 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
