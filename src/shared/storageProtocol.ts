// The messages between the storage report's host (storagePanel.ts) and its page
// (src/webview/storage): the rows once the page is ready, and the page's *Prune this* and
// *Open Run View* actions. Types only.
import type { StorageReportRow } from '../core/runs/runViewTypes';

export type { StorageReportRow };

export type StorageHostMethods = {
  /** *Prune…* on the row's folder: its plan and question come first. */
  prune: { params: { path: string }; result: void };
  /** The run view of the row's runs. */
  openRuns: { params: { path: string }; result: void };
};

/** The rows as the page shows them (integration tests). */
export interface ShownStorage {
  rows: Array<{ label: string; total: string; reclaim: string; actions: string[] }>;
  policy: string;
}

export type StorageWebviewMethods = {
  shown: { params: Record<string, never>; result: ShownStorage };
};

export type StorageHostEvent =
  | { type: 'loading' }
  | { type: 'storage'; rows: StorageReportRow[]; policy: string; trusted: boolean }
  | { type: 'error'; message: string };

export type StorageWebviewEvent = { type: 'ready' };
