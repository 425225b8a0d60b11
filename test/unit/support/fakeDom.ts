// A small stand-in DOM for the webview's panels: elements with children, attributes, properties
// and click listeners; markup APIs (innerHTML and friends) throw, so any markup path fails a test.
export class FakeText {
  readonly nodeType = 3;
  constructor(public data: string) {}
  get textContent(): string {
    return this.data;
  }
}

export type FakeNode = FakeElement | FakeText;

export class FakeElement {
  readonly nodeType = 1;
  childNodes: FakeNode[] = [];
  readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, Array<(e: unknown) => void>>();
  className = '';
  title = '';
  hidden = false;
  /** A `<details>` element's state. */
  open = false;
  disabled = false;
  value = 0;
  max = 1;
  constructor(readonly tagName: string) {}
  private adopt(child: FakeNode | string): FakeNode {
    return typeof child === 'string' ? new FakeText(child) : child;
  }
  appendChild<T extends FakeNode>(child: T): T {
    this.childNodes.push(child);
    return child;
  }
  replaceChildren(...children: Array<FakeNode | string>): void {
    this.childNodes = children.map((c) => this.adopt(c));
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: (e: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  click(): void {
    for (const l of this.listeners.get('click') ?? []) l({ target: this });
  }
  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.childNodes = value === '' ? [] : [new FakeText(value)];
  }
  set innerHTML(_value: string) {
    throw new Error('innerHTML used');
  }
  set outerHTML(_value: string) {
    throw new Error('outerHTML used');
  }
  insertAdjacentHTML(): void {
    throw new Error('insertAdjacentHTML used');
  }
}

export const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => new FakeText(text),
};

/** Installs the stand-in as `document` (the renderers only touch it when called). */
export function installFakeDocument(): void {
  (globalThis as { document?: unknown }).document = fakeDocument;
}

/** Every element under `root` (itself included), depth first. */
export function elements(root: unknown): FakeElement[] {
  const out: FakeElement[] = [];
  const walk = (n: FakeNode): void => {
    if (!(n instanceof FakeElement)) return;
    out.push(n);
    n.childNodes.forEach(walk);
  };
  walk(root as FakeElement);
  return out;
}

/** The elements under `root` with this tag name. */
export function byTag(root: unknown, tag: string): FakeElement[] {
  return elements(root).filter((e) => e.tagName === tag);
}

/** The button under `root` whose text is `label`. */
export function button(root: unknown, label: string): FakeElement {
  const found = byTag(root, 'button').find((b) => b.textContent === label);
  if (!found) throw new Error(`no button "${label}" in ${(root as FakeElement).textContent}`);
  return found;
}
