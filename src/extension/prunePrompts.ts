// The questions *Prune…* asks: the plan as a checklist, then a modal confirmation naming the
// count and the bytes, then (where there is no trash) whether to delete for good. Behind one
// interface so the integration tests can answer them (see PRUNE_TESTING_COMMAND).
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import type { PrunePlan, UnitPlan } from '../core/prune/prunePlan';

export interface PlanChoice {
  /** Units the plan deletes that the user unticked: kept. */
  spared: UnitPlan[];
  /** Units the plan keeps that the user ticked: deleted, as named. */
  named: UnitPlan[];
}

export interface PrunePrompts {
  reviewPlan(plan: PrunePlan): Promise<PlanChoice | undefined>;
  confirmDelete(count: number, bytes: number, where: string): Promise<boolean>;
  confirmPermanent(paths: readonly string[], problem: string): Promise<boolean>;
}

interface UnitItem extends vscode.QuickPickItem {
  unit?: UnitPlan;
}

export const dialogPrompts: PrunePrompts = {
  async reviewPlan(plan) {
    const items: UnitItem[] = [];
    for (const run of plan.runs) {
      items.push({ label: `${run.tag} (${run.status.state})`, kind: vscode.QuickPickItemKind.Separator });
      for (const u of run.units) {
        items.push({
          label: `${u.keep ? '$(pass)' : '$(trash)'} ${u.name}`,
          description: u.reason,
          detail: `${formatBytes(u.bytes)}${u.metric !== undefined ? ` · ${run.metric?.name ?? 'metric'} ${u.metric}` : ''}`,
          picked: !u.keep,
          unit: u,
        });
      }
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Prune ${plan.root}: ticked checkpoints go to the trash (${formatBytes(plan.reclaimBytes)})`,
      placeHolder: 'Untick a checkpoint to keep it; tick a kept one to delete it anyway',
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const ticked = new Set(picked.map((i) => i.unit));
    const units = items.flatMap((i) => (i.unit ? [i.unit] : []));
    return { spared: units.filter((u) => !u.keep && !ticked.has(u)), named: units.filter((u) => u.keep && ticked.has(u)) };
  },
  async confirmDelete(count, bytes, where) {
    const action = 'Move to Trash';
    const answer = await vscode.window.showWarningMessage(
      `Move ${count} checkpoint${count === 1 ? '' : 's'} (${formatBytes(bytes)}) from ${where} to the trash?`,
      { modal: true, detail: 'Anything written to since the plan was made is kept.' },
      action,
    );
    return answer === action;
  },
  async confirmPermanent(paths, problem) {
    const action = 'Delete Permanently';
    const answer = await vscode.window.showWarningMessage(
      `There is no trash for ${paths.length} path${paths.length === 1 ? '' : 's'} (${problem}). Delete ${paths.length === 1 ? 'it' : 'them'} for good?`,
      { modal: true, detail: paths.slice(0, 10).join('\n') },
      action,
    );
    return answer === action;
  },
};

/** Answers queued by a test: each prompt takes the next answer of its kind. */
export class QueuedPrompts implements PrunePrompts {
  constructor(private readonly answers: { review?: 'accept' | 'cancel'; confirm?: boolean; permanent?: boolean }) {}
  readonly asked: string[] = [];
  async reviewPlan(): Promise<PlanChoice | undefined> {
    this.asked.push('review');
    return this.answers.review === 'cancel' ? undefined : { spared: [], named: [] };
  }
  async confirmDelete(count: number, bytes: number): Promise<boolean> {
    this.asked.push(`confirm ${count} ${bytes}`);
    return this.answers.confirm ?? false;
  }
  async confirmPermanent(paths: readonly string[]): Promise<boolean> {
    this.asked.push(`permanent ${paths.length}`);
    return this.answers.permanent ?? false;
  }
}
