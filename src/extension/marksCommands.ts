// *Pin*, *Unpin* and *Add Note…* on checkpoints in the tree: they write the run's state file
// (`.checkpoint-manager.json`, atomically, see core/marks/marksFile.ts) and relist that run. A
// pinned or noted checkpoint is never pruned; the note shows in the tree and the inspector. Where
// the run's folder is not writable, the marks are kept in the workspace's state instead.
import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';
import { MAX_NOTE_CHARS } from '../core/marks/checkpointMarks';
import type { MarksFallback } from '../core/marks/marksFile';
import { marksPath, readRunMarks, setNote, setPinned, useMarksFallback } from '../core/marks/marksFile';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';

/** The checkpoints a command acts on: the clicked row, or every checkpoint row selected with it. */
export function checkpointNodes(arg: unknown, selected: unknown): ViewNode[] {
  const isCheckpoint = (v: unknown): v is ViewNode => !!v && typeof v === 'object' && (v as ViewNode).type === 'checkpoint' && !!(v as ViewNode).data?.runDir;
  if (Array.isArray(selected) && selected.some(isCheckpoint)) return selected.filter(isCheckpoint);
  return isCheckpoint(arg) ? [arg] : [];
}

/** Relists the runs whose state files changed, without waiting for the file watcher. */
export async function relistRuns(provider: CheckpointTreeProvider, runDirs: Iterable<string>): Promise<void> {
  for (const dir of new Set(runDirs)) provider.noteChange(marksPath(dir));
  await provider.applyChanges();
}

async function tryMark(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not save the mark: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** Marks of runs whose folder cannot be written, kept in the workspace's state (a Memento). */
export function workspaceMarksStore(state: vscode.Memento): MarksFallback {
  const key = (runDir: string): string => `checkpointManager.marks:${runDir}`;
  return { get: (runDir) => state.get<string>(key(runDir)), set: (runDir, text) => state.update(key(runDir), text) };
}

export function registerMarkCommands(provider: CheckpointTreeProvider, state?: vscode.Memento): vscode.Disposable[] {
  if (state) useMarksFallback(workspaceMarksStore(state));
  const pin = (pinned: boolean) => async (arg?: unknown, selected?: unknown) => {
    const nodes = checkpointNodes(arg, selected);
    for (const n of nodes) if (!(await tryMark(() => setPinned(n.data!.runDir!, n.data!.key!, pinned)))) break;
    await relistRuns(provider, nodes.map((n) => n.data!.runDir!));
  };
  return [
    { dispose: () => useMarksFallback(undefined) },
    vscode.commands.registerCommand('checkpointManager.pin', pin(true)),
    vscode.commands.registerCommand('checkpointManager.unpin', pin(false)),
    vscode.commands.registerCommand('checkpointManager.addNote', async (arg?: unknown, selected?: unknown, text?: unknown) => {
      const nodes = checkpointNodes(arg, selected);
      if (nodes.length === 0) return;
      const first = nodes[0]!;
      const current = readRunMarks(first.data!.runDir!).marks.get(first.data!.key!)?.note ?? '';
      // A test passes the note; a person types it.
      const note =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: nodes.length === 1 ? `Note on ${first.label}` : `Note on ${nodes.length} checkpoints`,
              prompt: 'A short note ("the one in the paper"). A note pins the checkpoint against pruning; an empty note removes it.',
              value: current,
              validateInput: (v) => (v.length > MAX_NOTE_CHARS ? `At most ${MAX_NOTE_CHARS} characters.` : undefined),
            });
      if (note === undefined) return;
      for (const n of nodes) if (!(await tryMark(() => setNote(n.data!.runDir!, n.data!.key!, note)))) break;
      await relistRuns(provider, nodes.map((n) => n.data!.runDir!));
    }),
  ];
}
