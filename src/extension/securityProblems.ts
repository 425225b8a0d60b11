// Files whose pickles would run dangerous code appear in the Problems panel: VS Code's own place
// for "something is wrong with this file", with the globals named. Fed by every verdict the
// security scan makes (the tree's background scan and Scan Folder).
import * as vscode from 'vscode';
import { globalsText } from '../core/security/verdictMark';
import type { FileVerdict } from '../core/security/verdictMark';
import { visibleClip } from '../core/visibleText';
import type { VerdictScan } from './verdictScan';

export const SECURITY_DIAGNOSTICS = 'checkpointManager.security';

export function securityDiagnostic(verdict: FileVerdict): vscode.Diagnostic {
  const calls = verdict.calls?.length ? ` It would run: ${visibleClip(verdict.calls[0], 300)}${verdict.calls.length > 1 ? ` (and ${verdict.calls.length - 1} more)` : ''}.` : '';
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, 0),
    `Dangerous pickle: loading this file with torch.load would call ${globalsText(verdict.dangerous)}.${calls} Checkpoint Manager only read it.`,
    vscode.DiagnosticSeverity.Error,
  );
  d.source = 'Checkpoint Manager';
  d.code = 'dangerous-pickle';
  return d;
}

export function registerSecurityProblems(scan: VerdictScan): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(SECURITY_DIAGNOSTICS);
  const listener = scan.onDidJudge((verdicts) => {
    for (const { path, verdict } of verdicts) {
      const uri = vscode.Uri.file(path);
      if (verdict.verdict === 'dangerous') collection.set(uri, [securityDiagnostic(verdict)]);
      else collection.delete(uri);
    }
  });
  return vscode.Disposable.from(listener, collection);
}
