// Shape and name formatting for the inspector (numbers and bytes: src/core/format.ts). Pure functions, no DOM.

/** A shape as Python prints a torch.Size: `[768, 50304]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The last segment of a path, for either separator. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

