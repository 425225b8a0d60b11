// Building the page with DOM APIs only. Everything in a checkpoint is untrusted text (key names,
// config strings, globals), so it only ever reaches the page as text nodes, never as markup, and
// with its invisible and reordering characters shown as escapes (core/visibleText.ts): every text
// child, tooltip and attribute made here goes through it.
import { visibleText } from '../core/visibleText';

export type Child = Node | string | null | undefined | false;

export interface ElementProps {
  className?: string;
  title?: string;
  attrs?: Record<string, string>;
}

/** An element with text children as text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title) node.title = visibleText(props.title);
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) node.setAttribute(name, visibleText(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(visibleText(child)) : child);
  }
  return node;
}

/**
 * A key, path or name from the file, in the editor font. Such text can run to thousands of
 * characters: the page cuts it with an ellipsis (the `name` class), and the tooltip and a copy
 * of the text keep all of it.
 */
export function nameCode(text: string): HTMLElement {
  return el('code', { className: 'name', title: text }, [text]);
}

export interface Column<T> {
  title: string;
  /** Right-aligned numbers. */
  numeric?: boolean;
  cell: (row: T) => Child;
  /** A tooltip for the cell, e.g. the exact number behind `124.4M`. */
  tooltip?: (row: T) => string;
}

/** A plain table of rows. */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], className = 'grid'): HTMLTableElement {
  const head = el('thead', {}, [el('tr', {}, columns.map((c) => el('th', { className: c.numeric ? 'num' : '' }, [c.title])))]);
  const body = el(
    'tbody',
    {},
    rows.map((row) => el('tr', {}, columns.map((c) => el('td', { className: c.numeric ? 'num' : '', title: c.tooltip?.(row) }, [c.cell(row)])))),
  );
  return el('table', { className }, [head, body]);
}

/** A titled section of the page. */
export function section(title: string, body: readonly Child[], className = ''): HTMLElement {
  return el('section', { className: `block ${className}`.trim() }, [el('h2', {}, [title]), ...body]);
}

/** A collapsible section (a `<details>`), closed unless `open`. */
export function collapsible(title: string, body: readonly Child[], open = false): HTMLDetailsElement {
  const details = el('details', { className: 'block' }, [el('summary', {}, [el('h2', {}, [title])]), ...body]);
  details.open = open;
  return details;
}
