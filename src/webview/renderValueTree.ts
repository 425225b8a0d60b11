// Nested values as a tree of native <details>: each container opens with Enter or Space on its
// summary (keyboard and screen readers get that for free), leaves show their value. The tree
// arrives bounded from the core (valueTree.ts); `more` says what it left out.
import type { ValueNode } from '../core/inspect/report';
import { formatInteger, plural } from '../core/format';
import type { Child } from './dom';
import { el } from './dom';

function keyLabel(node: ValueNode): HTMLElement {
  // A readable label (Lightning's callback keys) keeps the exact key in its tooltip.
  return el('code', { className: 'tree-key', title: node.fullKey }, [node.key]);
}

function entryCount(node: ValueNode): number {
  return (node.children?.length ?? 0) + (node.more ?? 0);
}

function moreItem(more: number): HTMLLIElement {
  return el('li', { className: 'tree-more' }, [`… ${formatInteger(more)} more`]);
}

function renderNode(node: ValueNode): HTMLLIElement {
  const type = el('span', { className: 'tree-type' }, [node.type]);
  if (node.tensors !== undefined) {
    return el('li', {}, [keyLabel(node), ' ', type, ' ', el('span', { className: 'tree-note' }, [`${plural(node.tensors, 'tensor')}, in the tensor table`])]);
  }
  if (node.children && node.children.length > 0) {
    const summary = el('summary', {}, [keyLabel(node), ' ', type]);
    return el('li', {}, [el('details', {}, [summary, renderValueTree(node.children, node.more)])]);
  }
  // A leaf reads `key: value` with its type after, muted.
  const parts: Child[] = [keyLabel(node), ': '];
  if (node.value !== undefined) parts.push(el('span', { className: 'tree-value' }, [node.value]));
  else if (entryCount(node) > 0) parts.push(el('span', { className: 'tree-note' }, [`${formatInteger(entryCount(node))} entries, not shown`]));
  else if (node.children) parts.push(el('span', { className: 'tree-note' }, ['empty']));
  parts.push(' ', type);
  return el('li', {}, parts);
}

/** The entries of one container, as a list whose containers open in place. */
export function renderValueTree(nodes: readonly ValueNode[], more = 0): HTMLUListElement {
  const items = nodes.map(renderNode);
  if (more > 0) items.push(moreItem(more));
  return el('ul', { className: 'value-tree' }, items);
}

/** A container's entries folded behind one summary that names how many there are. */
export function foldedValueTree(nodes: readonly ValueNode[], more = 0, summary?: string): HTMLDetailsElement {
  const total = nodes.length + more;
  return el('details', { className: 'value-fold' }, [el('summary', {}, [summary ?? plural(total, 'entry', 'entries')]), renderValueTree(nodes, more)]);
}
