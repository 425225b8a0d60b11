// What the webview persists with vscode.setState, so the filter and sort survive the panel being
// hidden and shown again (the panel does not retain its context).
import type { SortSpec } from './tensorQuery';
import { parseSort } from './tensorQuery';

export interface ViewState {
  filter: string;
  sort: SortSpec;
  /** The tensor whose statistics were shown, selected again when the page is rebuilt. */
  selected?: string;
}

/** A state read back from `getState()`, which is whatever an earlier version stored, or nothing. */
export function parseViewState(value: unknown): ViewState {
  const record = value && typeof value === 'object' ? (value as { filter?: unknown; sort?: unknown; selected?: unknown }) : {};
  return {
    filter: typeof record.filter === 'string' ? record.filter : '',
    sort: parseSort(record.sort),
    ...(typeof record.selected === 'string' ? { selected: record.selected } : {}),
  };
}
