// Command-line front end over the core: `node dist/cli.js <command> ...`. Each command's module is
// loaded when it is run: the bundle then initialises only what that command imports.
import { describeError } from './core/errors';

const USAGE = `usage:
  checkpoint-manager inspect <file> [--json] [--sha256]
  checkpoint-manager stats <file> [--tensor PATH] [--json]
  checkpoint-manager list <root> [--json]
  checkpoint-manager scan <file|dir> [--json]
  checkpoint-manager compare <a> <b> [--json] [--align auto|none|model] [--strip-prefix P]
  checkpoint-manager export <in> <out.pt|out.safetensors|outdir/> [--key PATH] [--dtype bf16|fp16|fp32] [--strip-prefix P] [--max-shard-size 5GB] [--force] [--sync] [--json]
  checkpoint-manager prune <dir> [--keep-last N] [--keep-best K --metric NAME --mode min|max] [--keep-every K] [--dry-run] [--json] [--yes]

A checkpoint of many files is named by one path, the same for inspect, stats, compare and export:
  a sharded set's folder or *.index.json; a DCP folder or its .metadata; an FSDP rank file;
  a nanochat step's meta_<step>.json (the whole step: model_<step>.pt and every
  optim_<step>_rank<r>.pt; model_<step>.pt or one optim file named itself opens alone).`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  inspect: async () => (await import('./cli/inspectCommand.js')).inspectCommand,
  stats: async () => (await import('./cli/statsCommand.js')).statsCommand,
  list: async () => (await import('./cli/listCommand.js')).listCommand,
  compare: async () => (await import('./cli/compareCommand.js')).compareCommand,
  export: async () => (await import('./cli/exportCommand.js')).exportCommand,
  prune: async () => (await import('./cli/pruneCommand.js')).pruneCommand,
  scan: async () => (await import('./cli/scanCommand.js')).scanCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`${USAGE}\n`);
    return name === '--help' || name === '-h' ? 0 : 2;
  }
  return (await load())(rest);
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
