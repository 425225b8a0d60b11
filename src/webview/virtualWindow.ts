// Which rows of a long list to put in the DOM: those in view plus a margin. Pure arithmetic.

export interface RowWindow {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Height of the empty space above and below the rendered rows, in pixels. */
  padTop: number;
  padBottom: number;
}

export function rowWindow(total: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan = 10): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}
