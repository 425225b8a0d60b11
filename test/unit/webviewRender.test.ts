// The page is built from untrusted checkpoint text. These tests render sections into a minimal
// stand-in DOM that refuses innerHTML/outerHTML/insertAdjacentHTML, so any markup path fails.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InspectReport } from '../../src/core/inspect/report';
import type { SecurityReport } from '../../src/core/security/securityReport';
import * as header from '../../src/webview/renderHeader';
import * as security from '../../src/webview/renderSecurity';
import * as sections from '../../src/webview/renderSections';
import * as errorPage from '../../src/webview/renderError';
import * as optimizers from '../../src/webview/renderOptimizers';
import * as ties from '../../src/webview/renderTies';
import { FakeElement, FakeText, fakeDocument } from './support/fakeDom';

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

const r = { ...header, ...security, ...sections, ...errorPage, ...optimizers, ...ties };
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

// --- The sections added for nested values, optimizers, devices, hostile calls and formats

const byClass = (root: unknown, className: string): FakeElement[] => {
  const out: FakeElement[] = [];
  walk(root as FakeElement, (n) => n instanceof FakeElement && n.className.split(' ').includes(className) && out.push(n));
  return out;
};

test('a flat state dict lists its tensors once: no tensor rows among the top-level keys', () => {
  const tensorKey = { key: 'transformer.wte.weight', type: 'Tensor', value: 'Tensor[bfloat16, 64×16]', tensors: 1, elements: 1024, bytes: 2048 };
  const other = { key: 'step', type: 'int', value: '200', tensors: 0, elements: 0, bytes: 0 };
  assert.equal(r.renderKeys([tensorKey, { ...tensorKey, key: 'lm_head.weight', type: 'Parameter' }], ''), null, 'only tensors: no section at all');
  const mixed = r.renderKeys([tensorKey, other], '') as unknown as FakeElement;
  assert.deepEqual(texts(mixed).filter((t) => t === 'transformer.wte.weight' || t === 'step'), ['step']);
  assert.ok(texts(mixed).includes('1 tensor at the top level, listed in the tensor table.'));
  // Keys that hold the model elsewhere keep their tensor rows (nanoGPT's best_val_loss).
  assert.ok(texts(r.renderKeys([tensorKey, other], 'model')).includes('transformer.wte.weight'));
});

test('nested values open as native details, keys and values as text', () => {
  const keys = r.renderKeys(
    [{ key: 'callbacks', type: 'dict[1]', tensors: 0, elements: 0, bytes: 0, more: 3, children: [
      { key: 'ModelCheckpoint(monitor=val_loss)', fullKey: HOSTILE, type: 'dict[2]', children: [{ key: 'monitor', type: 'str', value: "'<b>x</b>'" }], more: 1 },
      { key: 'state', type: 'dict[4]', tensors: 12 },
    ] }],
    'state_dict',
  ) as unknown as FakeElement;
  const folds = byClass(keys, 'value-fold');
  assert.equal(folds.length, 1);
  assert.equal(text(folds[0].childNodes[0]), '5 entries', 'the fold names how many entries the container has');
  assert.ok(tags(keys).includes('details') && tags(keys).includes('summary'));
  assert.equal(tags(keys).includes('b'), false);
  assert.ok(texts(keys).includes("'<b>x</b>'"));
  const label = byClass(keys, 'tree-key').find((n) => text(n) === 'ModelCheckpoint(monitor=val_loss)');
  assert.equal(label?.title, HOSTILE, 'the exact key is the tooltip of its label');
  assert.ok(texts(keys).includes('12 tensors, in the tensor table'));
  assert.deepEqual(byClass(keys, 'tree-more').map(text), ['… 1 more', '… 3 more']);
});

test('the optimizer section shows each group\'s settings as Python prints them', () => {
  const section = r.renderOptimizers([{
    path: '0', kind: 'Adam/AdamW', parameters: 2, parametersWithState: 2, stateKeys: ['step', 'exp_avg', 'exp_avg_sq'], step: 4,
    groups: [{ parameters: 2, settings: { eps: 1e-8, foreach: null, lr: 0.004, betas: [0.8, 0.95], amsgrad: false } }],
  }]) as unknown as FakeElement;
  assert.ok(texts(section).includes('Adam/AdamW · 0'));
  assert.ok(texts(section).includes('2 parameters in 1 group · step 4 · state per parameter: step, exp_avg, exp_avg_sq (2 of 2 have it)'));
  // The common settings first, then the rest as saved; values as Python prints them.
  const body: FakeElement[] = [];
  walk(section, (n) => n instanceof FakeElement && n.tagName === 'tbody' && body.push(n));
  const rows = body[0].childNodes.map((tr) => (tr as FakeElement).childNodes.map(text));
  assert.deepEqual(rows, [['parameters', '2'], ['lr', '0.004'], ['betas', '(0.8, 0.95)'], ['eps', '1e-08'], ['foreach', 'None'], ['amsgrad', 'False']]);
  assert.equal(r.renderOptimizers([]), null);
});

test('the verdict names what a hostile file would run, as text', () => {
  const banner = r.renderSecurity({
    verdict: 'dangerous', globals: ['posix.system'], dangerous: ['posix.system'], suspicious: [],
    calls: [`posix.system('${HOSTILE}')`], callsOmitted: 3,
  }) as unknown as FakeElement;
  assert.ok(texts(banner).includes('Loading it would run:'));
  assert.ok(texts(banner).includes(`posix.system('${HOSTILE}')`));
  assert.ok(texts(banner).includes('… and 3 more such calls.'));
  assert.equal(byClass(banner, 'calls')[0].attributes.get('aria-label'), 'Calls loading would make');
  assert.equal(tags(banner).includes('img'), false);
});

test('safetensors and plain pickles get their own wording, not torch.load(weights_only) for all', () => {
  const safe = { verdict: 'safe', globals: [], dangerous: [], suspicious: [] } as SecurityReport;
  assert.equal(r.verdictSentence(safe, 'safetensors'), 'A safetensors file is a JSON header and raw tensor bytes: it holds no pickle, so loading it cannot run code.');
  assert.match(r.verdictSentence(safe, 'torch-zip'), /weights_only=True/);
  const suspicious = { verdict: 'suspicious', globals: ['tiktoken.core.Encoding'], dangerous: [], suspicious: ['tiktoken.core.Encoding'] } as SecurityReport;
  assert.equal(r.verdictSentence(suspicious, 'pickle'), 'The pickle names 1 global(s) that are not known to be safe: pickle.load would import them, and loading it could run code.');
  assert.doesNotMatch(r.verdictSentence(suspicious, 'pickle'), /torch\.load/);
});

test('the header says when loading needs map_location', () => {
  const onGpu: InspectReport = { ...report, tensors: report.tensors.map((t, i) => ({ ...t, device: i === 0 ? 'cpu' : 'cuda:0' })) };
  assert.deepEqual(r.headerFacts(onGpu).slice(-1)[0], {
    label: 'Saved on',
    value: 'cpu, cuda:0 · needs map_location',
    exact: "torch.load(..., map_location='cpu') loads it on a machine without that device",
  });
  const onCpu: InspectReport = { ...report, tensors: report.tensors.map((t) => ({ ...t, device: 'cpu' })) };
  assert.equal(r.headerFacts(onCpu).some((f) => f.label === 'Saved on'), false);
});

test('a sharded set says how many files and which index, each file in the exact text', () => {
  const sharded: InspectReport = { ...report, shards: { index: 'model.safetensors.index.json', files: [{ file: 'model-00001-of-00002.safetensors', size: 2048, tensors: 3, tensorBytes: 2000 }, { file: 'model-00002-of-00002.safetensors', size: 1024, tensors: 2, tensorBytes: 1000 }] } };
  const fact = r.headerFacts(sharded).find((f) => f.label === 'Shards');
  assert.deepEqual(fact, { label: 'Shards', value: '2 files (model.safetensors.index.json)', exact: 'model-00001-of-00002.safetensors: 2.00 KiB, 3 tensors\nmodel-00002-of-00002.safetensors: 1.00 KiB, 2 tensors' });
  assert.equal(r.headerFacts(report).some((f) => f.label === 'Shards'), false);
});
