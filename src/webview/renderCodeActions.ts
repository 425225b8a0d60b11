// The buttons under the header that use the file: *Export for Inference…*, *Copy load code* and
// *Copy resume code*. The host does the work (the code is written from the report there).
import type { InspectReport } from '../core/inspect/report';
import type { CodeKind } from '../shared/protocol';
import { el } from './dom';

export interface CodeActions {
  onExport: () => void;
  onCopyCode: (kind: CodeKind) => void;
}

function button(label: string, title: string, secondary: boolean, onClick: () => void): HTMLButtonElement {
  const b = el('button', { className: secondary ? 'action secondary' : 'action', title, attrs: { type: 'button' } }, [label]);
  b.addEventListener('click', onClick);
  return b;
}

export function renderCodeActions(report: InspectReport, actions: CodeActions): HTMLElement {
  const isCheckpoint = report.format !== 'pickle';
  const buttons: HTMLButtonElement[] = [];
  if (report.modelKey !== undefined && report.format !== 'torchscript' && report.format !== 'pickle') {
    buttons.push(button('Export for Inference…', 'Write the model weights alone as safetensors or a weights-only .pt, optionally cast', false, actions.onExport));
  }
  if (isCheckpoint) {
    buttons.push(button('Copy load code', 'Copy the Python that loads this file’s weights for inference, safely', true, () => actions.onCopyCode('load')));
    buttons.push(button('Copy resume code', 'Copy the Python that resumes training from this file: model, optimizer, scheduler, step, best metric', true, () => actions.onCopyCode('resume')));
  }
  return el('div', { className: 'code-actions', attrs: { role: 'toolbar', 'aria-label': 'Use this checkpoint' } }, buttons);
}
