// The statistics panel's states on a stand-in DOM that refuses markup: what each state shows,
// which controls it offers, and that a hostile tensor path reaches the page as text only.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import { StatsPanel } from '../../src/webview/statsPanel';
import type { ChartDrawer } from '../../src/webview/statsPanel';
import { button, byTag, elements, installFakeDocument } from './support/fakeDom';
import type { FakeElement } from './support/fakeDom';

before(() => installFakeDocument());

const HOSTILE = '<img src=x onerror=alert(1)>.weight';
const stats: TensorStats = { count: 4, min: -1, max: 2, mean: 0.5, std: 1.2909944487358056, zeros: 1, nan: 0, posinf: 0, neginf: 0, histogram: { edges: [-1, 0.5, 2], counts: [2, 2] } };

function panel(): { p: StatsPanel; cancels: number[]; charts: Array<{ disposed: boolean }> } {
  const cancels: number[] = [];
  const charts: Array<{ disposed: boolean }> = [];
  const drawChart: ChartDrawer = () => {
    const chart = { disposed: false };
    charts.push(chart);
    return { drawn: () => !chart.disposed, dispose: () => (chart.disposed = true) };
  };
  return { p: new StatsPanel({ drawChart, onCancel: () => cancels.push(1) }), cancels, charts };
}

const root = (p: StatsPanel): FakeElement => p.element as unknown as FakeElement;

test('idle, the panel says how to select a tensor', () => {
  const { p } = panel();
  assert.equal(p.current, 'idle');
  assert.match(root(p).textContent, /Select a tensor in the table \(click it, or move with the arrow keys and press Enter\)/);
  assert.equal(root(p).getAttribute('aria-label'), 'Tensor statistics');
});

test('running, it shows a labelled progress bar and a Cancel button that cancels', () => {
  const { p, cancels } = panel();
  p.showRunning(HOSTILE);
  p.setProgress(30, 120);
  const [bar] = byTag(root(p), 'progress');
  assert.deepEqual([bar!.value, bar!.max, bar!.getAttribute('aria-label')], [30, 120, `Reading ${HOSTILE}`]);
  assert.match(root(p).textContent, /25%/);
  button(root(p), 'Cancel').click();
  assert.equal(cancels.length, 1);
  assert.equal(byTag(root(p), 'img').length, 0, 'the path is text, not an element');
});

test('shown, it has a row per statistic with the exact value as a tooltip, and a chart that is disposed with it', () => {
  const { p, charts } = panel();
  p.showStats(HOSTILE, 'float32', stats);
  const rows = byTag(root(p), 'tr').map((tr) => [byTag(tr, 'th')[0]!.textContent, byTag(tr, 'td')[0]!.textContent]);
  assert.deepEqual(rows.slice(0, 6), [['dtype', 'float32'], ['count', '4'], ['min', '-1'], ['max', '2'], ['mean', '0.5'], ['std', '1.29099']]);
  assert.equal(byTag(root(p), 'td').find((td) => td.textContent === '1.29099')!.title, '1.2909944487358056');
  assert.ok(byTag(root(p), 'th').every((th) => th.getAttribute('scope') === 'row'));
  const chart = elements(root(p)).find((e) => e.getAttribute('role') === 'img')!;
  assert.equal(chart.getAttribute('aria-label'), 'Histogram of 4 finite values in 2 bins from -1 to 2; the fullest bin, -1 to 0.5, holds 2.');
  assert.deepEqual(p.shown().chart, { label: chart.getAttribute('aria-label'), drawn: true });
  p.showRunning('next');
  assert.equal(charts[0]!.disposed, true, 'the old chart is destroyed when the panel moves on');
  assert.equal(p.shown().chart, undefined);
});

test('an error is an alert with the sentence; a cancellation says so and keeps the path', () => {
  const { p } = panel();
  p.showError('w', 'Unsupported checkpoint: statistics of qint8 tensors are not supported.');
  const alert = elements(root(p)).find((e) => e.getAttribute('role') === 'alert')!;
  assert.equal(alert.textContent, 'Unsupported checkpoint: statistics of qint8 tensors are not supported.');
  p.showCancelled('w');
  assert.deepEqual([p.current, p.selected, p.shown().cells], ['cancelled', 'w', {}]);
  assert.match(root(p).textContent, /^Statisticsw.*Cancelled\.$/);
});
