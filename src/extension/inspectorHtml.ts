// The HTML shell of the extension's webviews (the inspector, the compare report). It holds no
// checkpoint data (that arrives by message after `ready`), only the bundle, the stylesheets and a
// CSP that allows nothing else.
import { randomBytes } from 'node:crypto';

export interface InspectorHtmlParts {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview.js, then the stylesheets: dist/uplot.css, media/base.css and media/inspector.css. */
  scriptUri: string;
  styleUris: string[];
  nonce: string;
  /** The page's title and what it says until the data arrives (the inspector's by default). */
  title?: string;
  loading?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

const attr = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function inspectorHtml(parts: InspectorHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${parts.styleUris.map((uri) => `<link rel="stylesheet" href="${attr(uri)}">`).join('\n')}
<title>${attr(parts.title ?? 'Checkpoint Inspector')}</title>
</head>
<body>
<main class="loading"><p>${attr(parts.loading ?? 'Inspecting…')}</p></main>
<script nonce="${attr(parts.nonce)}" src="${attr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
