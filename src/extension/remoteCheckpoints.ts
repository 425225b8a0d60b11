// Checkpoints at a URL: *Open Checkpoint from URL…* opens the inspector on an http(s) address
// (a web server, an S3/GCS presigned or public URL, a Hugging Face `resolve/` URL), which the
// session worker reads by range requests. A token for a host (an HF token, say) is kept in VS
// Code's SecretStorage, never in settings, and sent only to that host.
import * as vscode from 'vscode';

export const OPEN_URL_COMMAND = 'checkpointManager.openUrl';
export const SET_TOKEN_COMMAND = 'checkpointManager.setUrlToken';
const INSPECTOR_VIEW_TYPE = 'checkpointManager.inspector';
const SECRET_PREFIX = 'checkpointManager.urlToken.';

let secrets: vscode.SecretStorage | undefined;

/** The headers for a request to `url`: its host's token as a bearer, when one is kept. */
export async function headersForUrl(url: string): Promise<Record<string, string> | undefined> {
  const token = secrets && (await secrets.get(SECRET_PREFIX + new URL(url).host));
  return token ? { Authorization: `Bearer ${token}` } : undefined;
}

/** Why `text` is not an address to open, or undefined when it is one. */
export function urlProblem(text: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return 'Enter a full address, such as https://huggingface.co/org/model/resolve/main/model.safetensors';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Only http and https addresses can be read.';
  if (parsed.username || parsed.password) return 'Leave credentials out of the address: set a token for the host instead (Checkpoint Manager: Set Access Token for a Host…).';
  return undefined;
}

async function openUrl(arg?: unknown): Promise<void> {
  const given = typeof arg === 'string' ? arg : undefined;
  const text =
    given ??
    (await vscode.window.showInputBox({
      title: 'Open Checkpoint from URL',
      prompt: 'A .pt, .pth, .ckpt, .bin or .safetensors file on a web server; it is read by range requests, not downloaded.',
      placeHolder: 'https://huggingface.co/org/model/resolve/main/model.safetensors',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? urlProblem(v) : undefined),
    }));
  if (!text?.trim()) return;
  const problem = urlProblem(text);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.parse(text.trim(), true), INSPECTOR_VIEW_TYPE);
}

async function setToken(): Promise<void> {
  const host = await vscode.window.showInputBox({
    title: 'Set Access Token for a Host (1/2)',
    prompt: 'The host the token belongs to; it is sent to this host only.',
    placeHolder: 'huggingface.co',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[a-z0-9.-]+(:\d+)?$/i.test(v.trim()) ? undefined : 'A host name, such as huggingface.co'),
  });
  if (!host?.trim() || !secrets) return;
  const token = await vscode.window.showInputBox({
    title: `Set Access Token for ${host.trim()} (2/2)`,
    prompt: 'Kept in VS Code\'s secret storage and sent as "Authorization: Bearer …". Leave empty to forget the token.',
    password: true,
    ignoreFocusOut: true,
  });
  if (token === undefined) return;
  const key = SECRET_PREFIX + host.trim().toLowerCase();
  if (token.trim()) await secrets.store(key, token.trim());
  else await secrets.delete(key);
  void vscode.window.showInformationMessage(token.trim() ? `Token kept for ${host.trim()}.` : `Token for ${host.trim()} forgotten.`);
}

export function registerRemoteCheckpoints(context: vscode.ExtensionContext): void {
  secrets = context.secrets;
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_URL_COMMAND, openUrl),
    vscode.commands.registerCommand(SET_TOKEN_COMMAND, setToken),
    { dispose: () => (secrets = undefined) },
  );
}
