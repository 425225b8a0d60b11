// *Prune…* on a root, a run or a kind in the tree (or from the palette): plans with the
// retention settings, shows the plan, asks, then deletes with a second look (anything written to
// since is kept). Deletion goes to the trash: VS Code's (`workspace.fs.delete` with `useTrash`),
// else the freedesktop trash the CLI uses, else — only after asking again — for good.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { listRoot } from '../core/listing/listRoot';
import { carryOut, confirmPlan, trashesFor } from '../core/prune/carryOut';
import type { UnitResult } from '../core/prune/carryOut';
import { planListing } from '../core/prune/prunePlan';
import type { PrunePlan } from '../core/prune/prunePlan';
import { resolveRetentionPolicy } from '../core/prune/resolvePolicy';
import type { RetentionPolicy } from '../core/prune/retentionPolicy';
import type { FactOptions } from '../core/prune/runFacts';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import type { PlanChoice, PrunePrompts } from './prunePrompts';
import { dialogPrompts, QueuedPrompts } from './prunePrompts';
import { readTreeSettings } from './treeRoots';

/** Internal: the next *Prune…* answers its questions from these (integration tests). */
export const PRUNE_TESTING_COMMAND = 'checkpointManager._testing.pruneAnswers';

function deletions(plan: PrunePlan): number {
  return plan.runs.reduce((n, r) => n + r.units.filter((u) => !u.keep).length, 0);
}

/** The plan with the user's changes: spared units kept, ticked kept units deleted as named. */
function applyChoice(plan: PrunePlan, choice: PlanChoice): PrunePlan {
  const spared = new Set(choice.spared.map((u) => u.signature));
  const named = new Set(choice.named.map((u) => u.signature));
  return {
    ...plan,
    runs: plan.runs.map((run) => ({
      ...run,
      units: run.units.map((u) => {
        if (!u.keep && spared.has(u.signature)) return { ...u, keep: true, reason: 'kept: chosen in the plan' };
        if (u.keep && named.has(u.signature)) return { ...u, keep: false, named: true, reason: 'deleted: chosen in the plan' };
        return u;
      }),
    })),
  };
}

/** Moves a path to VS Code's trash; false when this file system has none (the path is still there). */
async function vscodeTrash(path: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.delete(vscode.Uri.file(path), { useTrash: true, recursive: true });
    return true;
  } catch {
    // Where VS Code has no trash (a remote or server file system) the path is still there.
    return !existsSync(path);
  }
}

export interface PruneOptions {
  /** The policy per run folder (the run view's); default: the retention settings. */
  policyFor?: (runDir: string) => RetentionPolicy;
  /** Only these run folders under the root (the runs a run view shows). */
  runs?: readonly string[];
  /** How the plan reads the files (the session worker's, see hostRunFacts.ts). */
  facts?: FactOptions;
}

export async function pruneFolder(root: string, prompts: PrunePrompts, provider?: CheckpointTreeProvider, options: PruneOptions = {}): Promise<UnitResult[] | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Pruning deletes files: trust this workspace first.');
    return undefined;
  }
  const settings = vscode.workspace.getConfiguration('checkpointManager').get('retention');
  const policyFor = options.policyFor ?? ((dir: string) => resolveRetentionPolicy(settings, dir).policy);
  const { scanDepth } = readTreeSettings();
  const only = options.runs ? new Set(options.runs) : undefined;
  const list = async () => {
    const listing = await listRoot(root, { scanDepth });
    return only ? { ...listing, runs: listing.runs.filter((r) => only.has(r.dir)) } : listing;
  };
  const plan = async (named: readonly string[] = []) => planListing(await list(), policyFor, { ...options.facts, named });
  const shown = await plan();
  if (deletions(shown) === 0 && shown.runs.every((r) => r.units.length === 0)) {
    void vscode.window.showInformationMessage(`No checkpoints to prune in ${root}.`);
    return [];
  }
  const choice = await prompts.reviewPlan(shown);
  if (!choice) return undefined;
  const chosen = applyChoice(shown, choice);
  const count = deletions(chosen);
  if (count === 0) {
    void vscode.window.showInformationMessage('Nothing to delete: every checkpoint is kept.');
    return [];
  }
  const bytes = chosen.runs.flatMap((r) => r.units).filter((u) => !u.keep).reduce((s, u) => s + u.bytes, 0);
  if (!(await prompts.confirmDelete(count, bytes, basename(root) || root))) return undefined;

  const final = applyChoice(confirmPlan(chosen, await plan(choice.named.flatMap((u) => u.paths))), choice);
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Pruning checkpoints', cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    // VS Code's trash first, unit by unit; what it cannot take goes to the freedesktop trash.
    const rest: PrunePlan = { ...final, runs: [] };
    const done: UnitResult[] = [];
    const total = deletions(final);
    for (const run of final.runs) {
      const left = [];
      for (const u of run.units) {
        if (u.keep) continue;
        if (controller.signal.aborted) break;
        const trashed: string[] = [];
        for (const p of u.paths) if (await vscodeTrash(p)) trashed.push(p);
        if (trashed.length === u.paths.length) done.push({ run: run.dir, name: u.name, paths: u.paths, outcome: 'trashed' });
        else left.push({ ...u, paths: u.paths.filter((p) => !trashed.includes(p)) });
        progress.report({ increment: 100 / total, message: u.name });
      }
      if (left.length) rest.runs.push({ ...run, units: left });
    }
    if (rest.runs.length === 0 || controller.signal.aborted) return done;
    const found = await trashesFor(rest);
    if (found.missing.length === 0) return [...done, ...(await carryOut(rest, { trashes: found.trashes, signal: controller.signal }))];
    if (!(await prompts.confirmPermanent(found.missing.map((m) => m.path), found.missing[0]!.problem))) return done;
    return [...done, ...(await carryOut(rest, { permanent: true, signal: controller.signal }))];
  });
  await provider?.refresh();
  const failed = results.filter((r) => r.outcome === 'failed');
  const gone = new Set(results.filter((r) => r.outcome !== 'failed').map((r) => `${r.run}\u0000${r.name}`));
  const freed = final.runs.flatMap((run) => run.units.filter((u) => !u.keep && gone.has(`${run.dir}\u0000${u.name}`))).reduce((s, u) => s + u.bytes, 0);
  const where = results.some((r) => r.outcome === 'deleted') ? 'deleted' : 'moved to the trash';
  const message = `Pruned ${gone.size} checkpoint${gone.size === 1 ? '' : 's'}, ${formatBytes(freed)}, ${where}.`;
  if (failed.length) void vscode.window.showErrorMessage(`${message} ${failed.length} failed: ${failed[0]!.error}`);
  else void vscode.window.showInformationMessage(message);
  return results;
}

/** The folder a command acts on: a tree node's path, an Explorer folder, else a picked root. */
async function targetFolder(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && 'path' in arg && typeof (arg as { path: unknown }).path === 'string') return (arg as { path: string }).path;
  const roots = readTreeSettings().roots.filter((r) => existsSync(r.path));
  const picked = await vscode.window.showQuickPick(
    roots.map((r) => ({ label: r.label, description: r.path, path: r.path })),
    { placeHolder: 'Folder to prune' },
  );
  return picked?.path;
}

/** The prompts the next prune asks with: a test's queued answers once, else the dialogs. */
let queued: QueuedPrompts | undefined;
export function takePrompts(): PrunePrompts {
  const prompts = queued ?? dialogPrompts;
  queued = undefined;
  return prompts;
}

export function registerPruneCommand(provider: CheckpointTreeProvider, facts?: FactOptions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('checkpointManager.prune', async (arg?: unknown) => {
      const folder = await targetFolder(arg);
      if (!folder) return undefined;
      return pruneFolder(folder, takePrompts(), provider, facts ? { facts } : {});
    }),
    vscode.commands.registerCommand(PRUNE_TESTING_COMMAND, (answers: ConstructorParameters<typeof QueuedPrompts>[0]) => {
      queued = new QueuedPrompts(answers);
      return queued.asked;
    }),
  ];
}
