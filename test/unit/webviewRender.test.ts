// The page is built from untrusted checkpoint text. These tests render sections into a minimal
// stand-in DOM that refuses innerHTML/outerHTML/insertAdjacentHTML, so any markup path fails.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InspectReport, SecurityReport } from '../../src/core/inspect/report';
import * as header from '../../src/webview/renderHeader';
import * as security from '../../src/webview/renderSecurity';
import * as sections from '../../src/webview/renderSections';
import * as errorPage from '../../src/webview/renderError';
import * as ties from '../../src/webview/renderTies';

class FakeText {
  readonly nodeType = 3;
  constructor(public data: string) {}
  get textContent(): string {
    return this.data;
  }
}

class FakeElement {
  readonly nodeType = 1;
  readonly childNodes: (FakeElement | FakeText)[] = [];
  readonly attributes = new Map<string, string>();
  className = '';
  title = '';
  open = false;
  disabled = false;
  constructor(readonly tagName: string) {}
  appendChild<T extends FakeElement | FakeText>(child: T): T {
    this.childNodes.push(child);
    return child;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  addEventListener(): void {}
  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.childNodes.splice(0, this.childNodes.length, new FakeText(value));
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

const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => new FakeText(text),
};

function walk(node: FakeElement | FakeText, visit: (n: FakeElement | FakeText) => void): void {
  visit(node);
  if (node instanceof FakeElement) for (const c of node.childNodes) walk(c, visit);
}
const tags = (root: unknown): string[] => {
  const out: string[] = [];
  walk(root as FakeElement, (n) => n instanceof FakeElement && out.push(n.tagName));
  return out;
};
const texts = (root: unknown): string[] => {
  const out: string[] = [];
  walk(root as FakeElement, (n) => n instanceof FakeText && out.push(n.data));
  return out;
};
const text = (root: unknown): string => (root as FakeElement).textContent;

const r = { ...header, ...security, ...sections, ...errorPage, ...ties };
const HOSTILE = '<img src=x onerror=alert(1)>';
const report = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'reports', 'nanogpt-suspicious.json'), 'utf8')) as InspectReport;

before(() => {
  // The renderers only touch `document` when called, so it can be installed after the imports.
  (globalThis as { document?: unknown }).document = fakeDocument;
});

test('hostile key names and values reach the page as text, never as elements', () => {
  const keys = r.renderKeys(report.keys);
  assert.ok(texts(keys).includes(HOSTILE), 'the key name is one text node, verbatim');
  assert.ok(texts(keys).includes("'<script>alert(2)</script>'"));
  assert.deepEqual([...new Set(tags(keys))].sort(), ['code', 'section', 'h2', 'table', 'tbody', 'td', 'th', 'thead', 'tr'].sort());
  const config = r.renderConfig(report.config);
  assert.ok(texts(config).includes('<b>not bold</b>'));
  assert.equal(tags(config).includes('b'), false);
});

test('the header shows name, format, size, step, the model\'s parameters, other state apart, and depth', () => {
  assert.deepEqual(r.headerFacts(report), [
    { label: 'Size', value: '1.39 GiB', exact: '1,493,246,329 bytes' },
    { label: 'Step', value: '5,000' },
    { label: 'Parameters', value: '124.4M', exact: '124,373,760 model parameters; tied weights counted once' },
    { label: 'Optimizer state', value: '326.0M', exact: "326,014,465 elements in 153 tensors (1.21 GiB): the optimizer's moments and steps" },
    { label: 'Other tensors', value: '4', exact: '4 elements in 1 tensor (16 B): tensors outside the model (metrics, scheduler or callback state)' },
    { label: 'Tensors', value: '230', exact: '1.68 GiB of tensor data, 450,388,229 elements in all, shared storage counted once' },
    { label: 'Depth', value: '12 layers' },
    { label: 'Weights under', value: 'model' },
  ]);
  const header = r.renderHeader(report);
  assert.match(text(header), /^ckpt\.ptPyTorch zip/);
  assert.ok(texts(header).includes(report.notes[0]));
});

test('a plain state dict shows its parameters alone, and absent step/epoch/depth are left out', () => {
  const weights = { tensors: 4, elements: 212, bytes: 848 };
  const flat: InspectReport = { ...report, roles: { parameter: weights }, modelParameters: 212, parameters: 212, tied: [], step: undefined, depth: undefined, modelKey: '', epoch: 3 };
  assert.deepEqual(
    r.headerFacts(flat).map((f) => [f.label, f.value]),
    [['Size', '1.39 GiB'], ['Epoch', '3'], ['Parameters', '212'], ['Tensors', '230']],
  );
  assert.equal(r.headerFacts(flat)[2].exact, '212 model parameters');
});

test('buffers, RNG state and optimizer state are shown apart; a file without a model has no parameters fact', () => {
  const buffered: InspectReport = { ...report, roles: { ...report.roles, buffer: { tensors: 12, elements: 12_582_912, bytes: 50_331_648 } } };
  const facts = r.headerFacts(buffered);
  assert.deepEqual(facts.find((f) => f.label === 'Buffers'), {
    label: 'Buffers',
    value: '12.6M',
    exact: "12,582,912 elements in 12 tensors (48.0 MiB): the model's registered buffers (causal masks, running statistics): not parameters",
  });
  assert.equal(facts.find((f) => f.label === 'Parameters')?.value, '124.4M', 'buffers do not change the parameter count');
  const rng: InspectReport = { ...report, modelKey: undefined, modelParameters: 0, roles: { rng: { tensors: 1, elements: 5056, bytes: 5056 } }, tied: [] };
  assert.deepEqual(r.headerFacts(rng).map((f) => f.label), ['Size', 'Step', 'RNG state', 'Tensors', 'Depth']);
});

test('tied tensors are listed as path = sameAs, as text', () => {
  assert.equal(r.renderTies([]), null);
  const ties = r.renderTies([{ path: 'lm_head.weight', sameAs: 'transformer.wte.weight' }, { path: HOSTILE, sameAs: 'a' }]) as unknown as FakeElement;
  assert.match(text(ties), /^Tied tensors \(2\)/);
  assert.match(text(ties), /lm_head\.weight = transformer\.wte\.weight/);
  assert.ok(texts(ties).includes(HOSTILE));
  assert.equal(tags(ties).includes('img'), false);
  const many = r.renderTies(Array.from({ length: 40 }, (_, i) => ({ path: `b${i}`, sameAs: `a${i}` }))) as unknown as FakeElement;
  assert.equal(many.tagName, 'details', 'a long list starts folded');
});

test('the verdict banner names the verdict and lists the globals that caused it', () => {
  const dangerous: SecurityReport = { verdict: 'dangerous', globals: ['collections.OrderedDict', 'posix.system', HOSTILE], dangerous: ['posix.system'], suspicious: [HOSTILE] };
  const banner = r.renderSecurity(dangerous) as unknown as FakeElement;
  assert.equal(banner.className, 'verdict verdict-dangerous');
  assert.equal(banner.attributes.get('role'), 'alert');
  assert.match(text(banner), /^Dangerous\. Loading this file with torch\.load would run code through 1 global\(s\)/);
  assert.ok(texts(banner).includes('posix.system'));
  assert.ok(texts(banner).includes(HOSTILE));
  assert.equal(tags(banner).includes('img'), false);
  const safe = r.renderSecurity({ verdict: 'safe', globals: [], dangerous: [], suspicious: [] }) as unknown as FakeElement;
  assert.deepEqual([safe.className, safe.attributes.get('role'), text(safe)], ['verdict verdict-safe', 'status', 'Safe. The file only names types that torch.load(weights_only=True) accepts.']);
});

test('config is flattened to dotted keys; lists stay JSON', () => {
  assert.deepEqual(r.flattenConfig({ n_layer: 12, opt: { name: 'adamw', betas: [0.9, 0.95], extra: {} }, dropout: 0, tag: null }), [
    ['n_layer', '12'],
    ['opt.name', 'adamw'],
    ['opt.betas', '[0.9,0.95]'],
    ['opt.extra', '{}'],
    ['dropout', '0'],
    ['tag', 'null'],
  ]);
  assert.equal(r.renderConfig(undefined), null);
  assert.equal((r.renderConfig({ a: 1 }) as unknown as FakeElement).open, false, 'config starts collapsed');
});

test('empty sections are left out; long layer lists start collapsed', () => {
  assert.deepEqual([r.renderMetrics({}), r.renderKeys([]), r.renderLayers([])], [null, null, null]);
  const layer = { prefix: 'h.0', tensors: 6, parameters: 7_077_888, bytes: 28_311_552, dtypes: ['float32', 'bfloat16'] };
  const few = r.renderLayers([layer]) as unknown as FakeElement;
  const many = r.renderLayers(Array.from({ length: 40 }, (_, i) => ({ ...layer, prefix: `h.${i}` }))) as unknown as FakeElement;
  assert.deepEqual([few.open, many.open], [true, false]);
  assert.match(text(few), /h\.067.1M27.0 MiBfloat32, bfloat16$/);
  assert.match(text(r.renderMetrics({ val_bpb: 0.812345678 })), /val_bpb0\.812346$/);
});

test('the error page gives the sentence, the size and, for a hostile file, the verdict', () => {
  const page = r.renderError({
    file: '/x/evil.pt',
    size: 2048,
    code: 'unsupported',
    message: 'Unsupported checkpoint: something',
    security: { verdict: 'dangerous', globals: ['posix.system'], dangerous: ['posix.system'], suspicious: [] },
  });
  const all = texts(page);
  for (const expected of ['evil.pt', 'Unsupported checkpoint', '2.00 KiB', 'unsupported', 'Unsupported checkpoint: something', 'posix.system']) assert.ok(all.includes(expected), expected);
  assert.deepEqual([r.errorTitle('lfs-pointer'), r.errorTitle('truncated'), r.errorTitle(undefined), r.errorTitle('toString')], ['Git LFS pointer', 'Truncated checkpoint', 'Cannot inspect this file', 'Cannot inspect this file']);
});

test('the error page of a damaged file names the record and the tensors whose bytes it holds', () => {
  const one = r.renderError({
    file: '/x/damaged.pt',
    size: 4096,
    code: 'corrupt',
    message: 'The checkpoint is corrupt: the bytes of tensor "transformer.h.0.attn.c_q.weight" (record "damaged/data/1") fail their CRC-32 check.',
    damage: { record: 'damaged/data/1', tensors: ['transformer.h.0.attn.c_q.weight'] },
  });
  const section = (one as unknown as FakeElement).childNodes.find((c) => c instanceof FakeElement && c.className === 'damage') as FakeElement;
  assert.ok(section, 'a damage section');
  assert.equal(section.attributes.get('aria-label'), 'Damaged tensor');
  assert.deepEqual(texts(section), ['Record', 'damaged/data/1', 'Damaged tensor', 'transformer.h.0.attn.c_q.weight']);
  const shared = r.renderDamage({ record: 'd/data/0', tensors: ['q', HOSTILE] });
  assert.deepEqual(texts(shared), ['Record', 'd/data/0', 'Tensors in the damaged record', 'q', HOSTILE]);
  assert.equal(tags(shared).includes('img'), false);
});
