// The questions *Export for Inference…* asks: the format, the dtype, whether to strip a wrapper
// prefix, where to save, whether to replace what is there (modal), and what to do with the
// result. Behind one interface so the integration tests can answer them (EXPORT_TESTING_COMMAND).
import * as vscode from 'vscode';
import type { CastName } from '../core/export/elementCast';
import type { OutputKind } from '../core/export/exportTargets';

/** What the result message offers. */
export type ResultAction = 'Reveal' | 'Inspect';

export interface ExportPrompts {
  format(source: string): Promise<OutputKind | undefined>;
  dtype(source: string): Promise<CastName | null | undefined>;
  /** Which of the prefixes to strip (empty: none); undefined when dismissed. */
  strip(source: string, prefixes: readonly string[]): Promise<string[] | undefined>;
  target(defaultPath: string, kind: OutputKind): Promise<string | undefined>;
  confirmReplace(target: string, existing: readonly string[]): Promise<boolean>;
  /** Called with the export's progress; `cancel` stops it as the notification's Cancel does. */
  progress(done: number, total: number, cancel: () => void): void;
  result(message: string): Promise<ResultAction | undefined>;
}

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

async function pickOne<T>(items: Array<Pick<T>>, title: string, placeHolder: string): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked?.value;
}

const FILTERS: Record<OutputKind, Record<string, string[]> | undefined> = {
  safetensors: { safetensors: ['safetensors'] },
  pt: { 'PyTorch (weights only)': ['pt', 'pth', 'bin'] },
  'safetensors-folder': undefined,
};

export const dialogPrompts: ExportPrompts = {
  format: (source) =>
    pickOne<OutputKind>(
      [
        { label: 'safetensors', description: '.safetensors', detail: 'One file, no pickle: loads anywhere without running code.', value: 'safetensors' },
        { label: 'PyTorch', description: '.pt', detail: 'An OrderedDict of tensors that torch.load(weights_only=True) takes, torch 1.13 and later.', value: 'pt' },
        { label: 'Sharded safetensors', description: 'folder', detail: "Hugging Face's model-0000N-of-0000M.safetensors and model.safetensors.index.json.", value: 'safetensors-folder' },
      ],
      `Export ${source} for inference: format`,
      'The format to write',
    ),
  dtype: (source) =>
    pickOne<CastName | null>(
      [
        { label: 'Keep dtypes', detail: 'Every tensor as it was saved.', value: null },
        { label: 'bfloat16', description: 'bf16', detail: 'Float tensors rounded to nearest-even, as torch .to() does; integers and bools untouched.', value: 'bf16' },
        { label: 'float16', description: 'fp16', detail: 'Float tensors rounded to nearest-even; values beyond ±65504 become infinities.', value: 'fp16' },
        { label: 'float32', description: 'fp32', detail: 'Float tensors widened (or float64 narrowed) to float32.', value: 'fp32' },
      ],
      `Export ${source} for inference: dtype`,
      'Cast the float tensors?',
    ),
  strip: (source, prefixes) =>
    pickOne<string[]>(
      [
        { label: `Strip ${prefixes.map((p) => `"${p}"`).join(' and ')}`, detail: 'Names as the unwrapped model expects them (torch.compile adds _orig_mod., DataParallel module.).', value: [...prefixes] },
        { label: 'Keep names as saved', value: [] },
      ],
      `Export ${source} for inference: names`,
      'The weights carry a wrapper prefix',
    ),
  async target(defaultPath, kind) {
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(defaultPath),
      saveLabel: kind === 'safetensors-folder' ? 'Export to Folder' : 'Export',
      title: kind === 'safetensors-folder' ? 'The folder for the shards' : 'Export for inference',
      ...(FILTERS[kind] ? { filters: FILTERS[kind] } : {}),
    });
    return uri?.scheme === 'file' ? uri.fsPath : undefined;
  },
  async confirmReplace(target, existing) {
    const action = 'Replace';
    const answer = await vscode.window.showWarningMessage(
      existing.length === 1 && existing[0] === target ? `${target} already exists. Replace it?` : `${target} already holds ${existing.length} file(s) of an export. Replace them?`,
      { modal: true, detail: existing.length > 1 || existing[0] !== target ? existing.slice(0, 10).join('\n') : 'The old file stays until the new one is complete.' },
      action,
    );
    return answer === action;
  },
  progress() {
    // The notification's own Cancel button stops the export.
  },
  async result(message) {
    return vscode.window.showInformationMessage(message, 'Reveal', 'Inspect');
  },
};

/** Answers queued by a test (see EXPORT_TESTING_COMMAND). */
export interface ExportAnswers {
  format?: OutputKind;
  dtype?: CastName | null;
  strip?: boolean;
  /** The save dialog's answer; undefined dismisses it. */
  target?: string;
  replace?: boolean;
  /** Cancel at the first progress report, as the notification's Cancel would. */
  cancel?: boolean;
}

export class QueuedPrompts implements ExportPrompts {
  readonly asked: string[] = [];
  constructor(private readonly answers: ExportAnswers) {}
  async format(): Promise<OutputKind | undefined> {
    this.asked.push('format');
    return this.answers.format;
  }
  async dtype(): Promise<CastName | null | undefined> {
    this.asked.push('dtype');
    return this.answers.dtype === undefined ? null : this.answers.dtype;
  }
  async strip(_source: string, prefixes: readonly string[]): Promise<string[] | undefined> {
    this.asked.push(`strip ${prefixes.join(' ')}`);
    return this.answers.strip ? [...prefixes] : [];
  }
  async target(defaultPath: string): Promise<string | undefined> {
    this.asked.push(`target ${defaultPath}`);
    return this.answers.target;
  }
  async confirmReplace(target: string): Promise<boolean> {
    this.asked.push(`replace ${target}`);
    return this.answers.replace ?? false;
  }
  progress(done: number, total: number, cancel: () => void): void {
    if (this.answers.cancel && done < total) {
      this.asked.push('cancel');
      this.answers.cancel = false;
      cancel();
    }
  }
  async result(message: string): Promise<ResultAction | undefined> {
    this.asked.push(`result ${message}`);
    return undefined;
  }
}
