// `checkpoint-manager prune <dir> [rules] [--dry-run] [--json] [--yes]`: plans which checkpoints
// to keep and which to delete, and why; deletes (to the trash) only with --yes, after a second
// look that keeps anything written to since the plan was made.

import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { listRoot } from '../core/listing/listRoot';
import { DEFAULT_SCAN_DEPTH } from '../core/listing/runLocation';
import { carryOut, confirmPlan, trashesFor } from '../core/prune/carryOut';
import { planListing } from '../core/prune/prunePlan';
import type { PrunePlan } from '../core/prune/prunePlan';
import { DEFAULT_POLICY, hasRules } from '../core/prune/retentionPolicy';
import type { RetentionPolicy } from '../core/prune/retentionPolicy';
import { planJson, planText, resultText } from './pruneOutput';
import { writeText } from './textOutput';

const USAGE = `usage: checkpoint-manager prune <dir> [--keep-last N] [--keep-best K [--metric NAME] [--mode min|max]]
                                [--keep-every K] [--delete-unscored] [--recent-minutes M]
                                [--delete <checkpoint>]... [--depth N]
                                [--dry-run] [--json] [--yes] [--permanent]
  Rules combine: a checkpoint is kept when any rule keeps it. Always kept unless named with
  --delete: the newest of each run, the best, best/last/latest names, the best a framework
  recorded, pinned, noted or archived checkpoints, and anything written in the last
  ${DEFAULT_POLICY.recentMinutes} minutes (--recent-minutes). Without --dry-run it deletes only with
  --yes, to the trash; --permanent deletes for good where there is no trash.
`;

interface PruneArgs {
  dir?: string;
  policy: RetentionPolicy;
  named: string[];
  depth: number;
  dryRun: boolean;
  json: boolean;
  yes: boolean;
  permanent: boolean;
}

type Parsed = { ok: true; args: PruneArgs } | { ok: false; message?: string; help?: boolean };

function parseArgs(argv: readonly string[]): Parsed {
  const policy: RetentionPolicy = { keepLast: 0, keepBest: 0, keepEvery: 0, keepWithoutMetric: true, recentMinutes: DEFAULT_POLICY.recentMinutes };
  const args: PruneArgs = { policy, named: [], depth: DEFAULT_SCAN_DEPTH, dryRun: false, json: false, yes: false, permanent: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => argv[++i];
    const count = (name: string): number | string => {
      const v = value();
      const n = Number(v);
      return v !== undefined && /^\d+$/.test(v) && Number.isSafeInteger(n) ? n : `${name} needs a whole number`;
    };
    let n: number | string;
    switch (a) {
      case '--keep-last':
      case '--keep-best':
      case '--keep-every':
      case '--depth':
        n = count(a);
        if (typeof n === 'string') return { ok: false, message: n };
        if (a === '--keep-last') policy.keepLast = n;
        else if (a === '--keep-best') policy.keepBest = n;
        else if (a === '--keep-every') policy.keepEvery = n;
        else args.depth = n;
        break;
      case '--recent-minutes': {
        const v = Number(value());
        if (!Number.isFinite(v) || v < 0) return { ok: false, message: '--recent-minutes needs a number of minutes' };
        policy.recentMinutes = v;
        break;
      }
      case '--metric': {
        const v = value();
        if (!v) return { ok: false, message: '--metric needs a metric name' };
        policy.metric = v;
        break;
      }
      case '--mode': {
        const v = value();
        if (v !== 'min' && v !== 'max') return { ok: false, message: '--mode is min or max' };
        policy.mode = v;
        break;
      }
      case '--delete': {
        const v = value();
        if (!v) return { ok: false, message: '--delete needs a checkpoint (its path, or its name)' };
        // A path (of any of its files) is taken from here; a bare name (`step 000100`) as it is.
        args.named.push(v.includes(sep) || v.includes('/') || existsSync(v) ? resolve(v) : v);
        break;
      }
      case '--delete-unscored':
        policy.keepWithoutMetric = false;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--yes':
        args.yes = true;
        break;
      case '--permanent':
        args.permanent = true;
        break;
      case '-h':
      case '--help':
        return { ok: false, help: true };
      default:
        if (a.startsWith('-')) return { ok: false, message: `unknown option ${a}` };
        if (args.dir !== undefined) return { ok: false, message: 'one folder at a time' };
        args.dir = a;
    }
  }
  if (args.dir === undefined) return { ok: false, message: 'which folder? give the root to prune' };
  if (!hasRules(policy) && args.named.length === 0) return { ok: false, message: 'give a rule (--keep-last, --keep-best, --keep-every) or name checkpoints with --delete' };
  return { ok: true, args };
}

function deletions(plan: PrunePlan): number {
  return plan.runs.reduce((n, r) => n + r.units.filter((u) => !u.keep).length, 0);
}

export async function pruneCommand(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`prune: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  const { args } = parsed;
  const root = resolve(args.dir!);
  const list = () => listRoot(root, { scanDepth: args.depth });
  const listing = await list();
  if (!listing.exists) {
    process.stderr.write(`prune: ${root}: no such folder\n`);
    return 1;
  }
  const options = { named: args.named };
  const plan = await planListing(listing, () => args.policy, options);
  if (plan.unmatched.length > 0) {
    for (const u of plan.unmatched) process.stderr.write(`prune: --delete ${u}\n`);
    process.stderr.write('prune: nothing deleted.\n');
    return 2;
  }
  const print = (p: PrunePlan, results?: Parameters<typeof resultText>[0]): void => {
    if (args.json) process.stdout.write(`${JSON.stringify(planJson(p, args.policy, results ? { dryRun: args.dryRun, results } : { dryRun: args.dryRun }), null, 2)}\n`);
    else writeText(planText(p, args.policy) + (results ? resultText(results, p.reclaimBytes) : ''));
  };
  if (args.dryRun || deletions(plan) === 0) {
    print(plan);
    if (!args.json) process.stdout.write(args.dryRun ? 'Dry run: nothing was deleted.\n' : 'Nothing to delete.\n');
    return 0;
  }
  if (!args.yes) {
    print(plan);
    process.stderr.write(`prune: nothing deleted. Run again with --yes to move these ${deletions(plan)} checkpoints to the trash, or with --dry-run to only plan.\n`);
    return 1;
  }
  // The second look: whatever changed since the plan above was made is kept.
  const final = confirmPlan(plan, await planListing(await list(), () => args.policy, options));
  let trashes;
  if (!args.permanent) {
    const found = await trashesFor(final);
    if (found.missing.length > 0) {
      print(final);
      for (const m of found.missing) process.stderr.write(`prune: cannot move to the trash: ${m.path}: ${m.problem}\n`);
      process.stderr.write('prune: nothing deleted. Run again with --permanent to delete these for good.\n');
      return 1;
    }
    trashes = found.trashes;
  }
  const results = await carryOut(final, trashes ? { trashes } : { permanent: true });
  print(final, results);
  return results.some((r) => r.outcome === 'failed') ? 1 : 0;
}
