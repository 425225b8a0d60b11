// The HTML shell of the extension's webview panels other than the inspector (the run view, the
// storage report): one bundle, its stylesheets, and the same strict CSP as the inspector's.
import { contentSecurityPolicy } from './inspectorHtml';

export interface PanelHtmlParts {
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  nonce: string;
  title: string;
}

const attr = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(parts: PanelHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${parts.styleUris.map((uri) => `<link rel="stylesheet" href="${attr(uri)}">`).join('\n')}
<title>${attr(parts.title)}</title>
</head>
<body>
<main class="loading"><p>Loading…</p></main>
<script nonce="${attr(parts.nonce)}" src="${attr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
