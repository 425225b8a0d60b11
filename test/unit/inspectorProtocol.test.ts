// The inspector's statistics end to end in one process: the webview's StatsController and panels
// (on a stand-in DOM) talking to the host's handlers through two RpcEndpoints, each message
// structured-cloned as postMessage would. Real statistics of the torch fixtures from an in-process
// CheckpointSession (the extension's session worker answers the same calls); stand-in sources
// where a test must hold a request open to cancel it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { RpcEndpoint } from '../../src/core/rpc/rpcEndpoint';
import type { RpcMessage } from '../../src/core/rpc/rpcEndpoint';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import { inspectorHandlers, percentThrottle } from '../../src/extension/inspectorHandlers';
import type { InspectorStatsSource } from '../../src/extension/inspectorStats';
import { sessionStatsSource } from '../../src/extension/inspectorStats';
import type { HostEvent, HostMethods, WebviewEvent, WebviewMethods } from '../../src/shared/protocol';
import { StatsController } from '../../src/webview/statsController';
import type { ChartDrawer } from '../../src/webview/statsPanel';
import { formatStat, histogramSummary } from '../../src/webview/statsFormat';
import { button, byTag, installFakeDocument } from './support/fakeDom';
import type { FakeElement } from './support/fakeDom';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const statsDir = join(fixtures, 'stats');
const expected = JSON.parse(readFileSync(join(statsDir, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, TensorStats & { dtype: string }>> };

before(() => installFakeDocument());

const sessions: CheckpointSession[] = [];
after(async () => {
  for (const s of sessions) await s.close();
});

/** Statistics from a session on `file`, as the inspector's document gives them. */
async function fileStatsSource(file: string): Promise<InspectorStatsSource> {
  const session = await CheckpointSession.open({ kind: 'file', path: file });
  sessions.push(session);
  return sessionStatsSource(() => session);
}

interface Wired {
  controller: StatsController;
  host: RpcEndpoint<HostMethods, WebviewMethods, HostEvent, WebviewEvent>;
  web: RpcEndpoint<WebviewMethods, HostMethods, WebviewEvent, HostEvent>;
  /** Every message that crossed, in order, as the receiver got it. */
  log: RpcMessage[];
  drawn: TensorStats[];
  revealed: string[];
}

/** Host and webview joined by asynchronous, cloning "postMessage"s. */
function wire(stats: InspectorStatsSource, dtypes: Record<string, string> = {}, tensorCount = 0): Wired {
  const log: RpcMessage[] = [];
  const drawn: TensorStats[] = [];
  const revealed: string[] = [];
  const deliver = (to: () => { receive(m: unknown): boolean }) => (m: RpcMessage) => {
    const copy = structuredClone(m);
    setImmediate(() => {
      log.push(copy);
      to().receive(copy);
    });
  };
  const host: Wired['host'] = new RpcEndpoint<HostMethods, WebviewMethods, HostEvent, WebviewEvent>(deliver(() => web), inspectorHandlers({ stats, computeHashes: async () => undefined, copy: async () => undefined, copyCode: async () => undefined, exportForInference: async () => undefined }));
  const web: Wired['web'] = new RpcEndpoint<WebviewMethods, HostMethods, WebviewEvent, HostEvent>(deliver(() => host), { selectTensor: () => assert.fail(), scanNonFinite: () => assert.fail(), shown: () => assert.fail() });
  const drawChart: ChartDrawer = (container, s) => {
    drawn.push(s);
    assert.equal(container.getAttribute('role'), 'img');
    return { drawn: () => true, dispose: () => undefined };
  };
  const controller = new StatsController({ host: web, drawChart, dtypeOf: (p) => dtypes[p], tensorCount, reveal: (p) => revealed.push(p) });
  return { controller, host, web, log, drawn, revealed };
}

function dtypesOf(file: string): Record<string, string> {
  return Object.fromEntries(Object.entries(expected.files[file]!).map(([p, s]) => [p, s.dtype]));
}

/** A source that holds every request open until it is aborted, recording what it saw. */
function holdingSource(): InspectorStatsSource & { started: string[]; aborted: string[] } {
  const started: string[] = [];
  const aborted: string[] = [];
  const hold = (what: string, signal: AbortSignal, onProgress: (d: number, t: number) => void): Promise<never> =>
    new Promise((_, reject) => {
      started.push(what);
      onProgress(1, 4);
      signal.addEventListener('abort', () => {
        aborted.push(what);
        reject(signal.reason);
      });
    });
  return {
    started,
    aborted,
    tensorStats: (path, o) => hold(path, o.signal, o.onProgress),
    scanNonFinite: (o) => hold('scan', o.signal, o.onProgress),
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(ok(), `never happened: ${what}`);
}

test("selecting a tensor shows torch's statistics in the panel's table, and draws the histogram", async () => {
  const w = wire(await fileStatsSource(join(statsDir, 'dtypes.pt')), dtypesOf('dtypes.pt'));
  await w.controller.select('f32');
  const want = expected.files['dtypes.pt']!.f32!;
  const shown = w.controller.shown();
  assert.equal(shown.panel, 'shown');
  assert.equal(shown.selected, 'f32');
  assert.deepEqual(Object.keys(shown.cells), ['dtype', 'count', 'min', 'max', 'mean', 'std', 'zeros', 'NaN', '+Inf', '-Inf']);
  assert.deepEqual(shown.cells, {
    dtype: 'float32',
    count: '5,000',
    min: formatStat(want.min),
    max: formatStat(want.max),
    mean: formatStat(want.mean),
    std: formatStat(want.std),
    zeros: '2',
    NaN: '1',
    '+Inf': '1',
    '-Inf': '1',
  });
  assert.deepEqual(shown.stats?.histogram.counts, want.histogram.counts);
  assert.equal(w.drawn.length, 1);
  assert.equal(shown.chart?.label, histogramSummary(shown.stats!));
  assert.match(shown.chart!.label, /^Histogram of 4,997 finite values in 64 bins from -5\.7273 to 3\.60005; the fullest bin/);
  // Progress crossed the wire, ending at both passes over the tensor's 20,000 bytes.
  const progress = w.log.filter((m) => m.rpc === 'progress').map((m) => (m as { progress: unknown }).progress);
  assert.ok(progress.length >= 2);
  assert.deepEqual(progress.at(-1), { done: 40_000, total: 40_000 });
});

test('a tensor with no finite value shows its counts and no chart', async () => {
  const w = wire(await fileStatsSource(join(statsDir, 'dtypes.pt')), dtypesOf('dtypes.pt'));
  await w.controller.select('all_nan');
  const shown = w.controller.shown();
  assert.deepEqual([shown.cells.min, shown.cells.std, shown.cells.NaN, shown.chart?.label, shown.chart?.drawn], ['—', '—', '10', 'Histogram: no finite values to draw.', false]);
  assert.equal(w.drawn.length, 0);
});

test('Cancel aborts the running statistics on the host, and the panel says so', async () => {
  const source = holdingSource();
  const w = wire(source, { big: 'float32' });
  const running = w.controller.select('big');
  await until('the host started', () => source.started.length === 1);
  assert.equal(w.controller.panel.current, 'running');
  await until('progress shown', () => byTag(w.controller.panel.element, 'progress')[0]?.value === 1);
  assert.equal(byTag(w.controller.panel.element, 'progress')[0]!.max, 4);
  button(w.controller.panel.element, 'Cancel').click();
  await running;
  assert.equal(w.controller.panel.current, 'cancelled');
  await until('the host aborted', () => source.aborted.length === 1);
  assert.deepEqual(source.aborted, ['big']);
  assert.ok(w.log.some((m) => m.rpc === 'cancel'));
});

test('a new selection cancels the one still running', async () => {
  const source = holdingSource();
  const real = await fileStatsSource(join(statsDir, 'dtypes.pt'));
  const w = wire({ ...source, tensorStats: (p, o) => (p === 'slow' ? source.tensorStats(p, o) : real.tensorStats(p, o)) }, { ...dtypesOf('dtypes.pt'), slow: 'float32' });
  const first = w.controller.select('slow');
  await until('the host started', () => source.started.length === 1);
  await w.controller.select('int8');
  await first;
  await until('the first aborted', () => source.aborted.length === 1);
  assert.deepEqual([w.controller.shown().selected, w.controller.shown().panel, w.controller.shown().cells.max], ['int8', 'shown', '127']);
});

test("errors reach the panel as the host's sentence", async () => {
  const w = wire(await fileStatsSource(join(statsDir, 'dtypes.pt')));
  await w.controller.select('no.such.tensor');
  assert.equal(w.controller.panel.current, 'error');
  assert.match(byTag(w.controller.panel.element, 'p').find((p) => p.getAttribute('role') === 'alert')!.textContent, /no\.such\.tensor/);
  // No session (the file is loading, or could not be read): a sentence, not a crash.
  const other = wire(sessionStatsSource(() => undefined));
  await other.controller.select('w');
  assert.match((other.controller.panel.element as unknown as FakeElement).textContent, /The checkpoint is not open/);
});

test('a request with a malformed path is refused with a code, not a crash', async () => {
  const w = wire(await fileStatsSource(join(statsDir, 'dtypes.pt')));
  await assert.rejects(w.web.request('tensorStats', { path: 42 as unknown as string }), (err: Error & { code?: string }) => err.code === 'bad-request' && /must be a string/.test(err.message));
});

test('closing the panel (the host endpoint disposed) aborts what it was computing', async () => {
  const source = holdingSource();
  const w = wire(source, {}, 3);
  void w.controller.scan();
  void w.controller.select('t');
  await until('both started', () => source.started.length === 2);
  w.host.dispose();
  assert.deepEqual(source.aborted.sort(), ['scan', 't']);
});

test('the scan lists the tensors holding NaN or Inf, each selecting its tensor when clicked', async () => {
  const w = wire(await fileStatsSource(join(statsDir, 'dtypes.pt')), dtypesOf('dtypes.pt'), 24);
  await w.controller.scan();
  const shown = w.controller.shown();
  assert.deepEqual(shown.scan?.paths, ['f32', 'f16', 'bf16', 'all_nan', 'all_inf']);
  assert.match(shown.scan!.text, /^5 tensors holding NaN or Inf:f32 float32: NaN 1, \+Inf 1, -Inf 1 of 5,000/);
  const list = byTag(w.controller.scanPanel.element, 'ul')[0]!;
  assert.equal(list.getAttribute('aria-label'), 'Tensors holding NaN or Inf');
  byTag(list, 'button').find((b) => b.textContent === 'all_inf')!.click();
  await until('all_inf shown', () => w.controller.shown().panel === 'shown');
  assert.deepEqual(w.revealed, ['all_inf']);
  assert.deepEqual([w.controller.shown().selected, w.controller.shown().cells['+Inf'], w.controller.shown().cells['-Inf']], ['all_inf', '2', '1']);
});

test('a clean file says so, counting its tensors', async () => {
  const file = join(fixtures, 'workspace', 'checkpoints', 'best.pt');
  const session = await CheckpointSession.open({ kind: 'file', path: file });
  sessions.push(session);
  const report = session.summary();
  const w = wire(sessionStatsSource(() => session), {}, report.tensors.length);
  await w.controller.scan();
  assert.deepEqual(w.controller.shown().scan, { paths: [], text: `No NaN or Inf in ${report.tensors.length} tensors.` });
});

test('Cancel scan aborts the scan on the host', async () => {
  const source = holdingSource();
  const w = wire(source, {}, 3);
  const scan = w.controller.scan();
  await until('the scan started', () => source.started.length === 1);
  assert.equal(w.controller.scanPanel.button.disabled, true, 'the scan button waits while a scan runs');
  button(w.controller.scanPanel.element, 'Cancel scan').click();
  await scan;
  assert.equal(w.controller.shown().scan?.text, 'Scan cancelled.');
  assert.equal(w.controller.scanPanel.button.disabled, false);
  await until('the host aborted', () => source.aborted.length === 1);
});

test('progress is passed on once per whole percent, and at the end', () => {
  const seen: Array<[number, number]> = [];
  const report = percentThrottle((p) => seen.push([p.done, p.total]));
  for (let done = 0; done <= 1000; done += 3) report(done, 1000);
  report(1000, 1000);
  assert.equal(seen.length, 101);
  assert.deepEqual(seen.at(-1), [1000, 1000]);
  assert.deepEqual(seen.slice(0, 3), [[0, 1000], [12, 1000], [21, 1000]]);
});
