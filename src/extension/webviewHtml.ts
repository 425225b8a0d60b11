// The HTML shell of the extension's webview panels other than the inspector (the run view, the
// storage report): the inspector's shell (inspectorHtml.ts), with their own title and a plain
// "Loading…" until the page has its data.
import { inspectorHtml } from './inspectorHtml';

export interface PanelHtmlParts {
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  nonce: string;
  title: string;
}

export function panelHtml(parts: PanelHtmlParts): string {
  return inspectorHtml({ ...parts, loading: 'Loading…' });
}
