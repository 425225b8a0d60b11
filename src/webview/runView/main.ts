// The run view's page: connects to the host, says `ready`, and draws what it is sent — the runs'
// status, the chosen metric over steps, the retention policy with its plan, and the table of
// checkpoints. A change of metric redraws here; a change of policy asks the host for the plan.
import { formatBytes, plural } from '../../core/format';
import { RpcEndpoint } from '../../core/rpc/rpcEndpoint';
import type { Handlers } from '../../core/rpc/rpcEndpoint';
import { assertNever } from '../../shared/assertNever';
import type { PolicyFields, RunHostEvent, RunHostMethods, RunPlans, RunSeries, RunWebviewEvent, RunWebviewMethods, ShownRunView } from '../../shared/runViewProtocol';
import { el } from '../dom';
import { axisLabel, chartData, metricsOf } from './chartData';
import { drawMetricChart } from './metricChart';
import type { DrawnMetricChart } from './metricChart';
import { renderPolicyForm } from './policyForm';
import type { PolicyForm } from './policyForm';
import { renderRunTable } from './runTable';
import type { TableRow } from './runTable';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

interface Page {
  runs: RunSeries[];
  plans: RunPlans;
  metric: string;
  metrics: string[];
  form: PolicyForm;
  chartBox: HTMLElement;
  tableBox: HTMLElement;
  summary: HTMLElement;
  problems: HTMLElement;
  status: string[];
  chart?: DrawnMetricChart;
  rows: () => TableRow[];
}

let page: Page | undefined;
/** The latest plan asked for: older answers are dropped. */
let planAsked = 0;

const saved = (vscode.getState() ?? {}) as { metric?: string };

function open(dir: string, key: string): void {
  void host.request('open', { dir, key }).catch(() => undefined);
}

function chartLabel(p: Page, drawn: number, deleted: number): string {
  if (!p.metric) return 'No metric recorded for these checkpoints';
  const who = p.runs.length === 1 ? p.runs[0]!.label : plural(p.runs.length, 'run');
  return `${p.metric} over ${axisLabel(p.runs)} for ${who}: ${plural(drawn, 'checkpoint')}, ${deleted} of them deleted by the plan`;
}

function drawPlan(p: Page): void {
  p.chart?.dispose();
  p.chart = undefined;
  const data = chartData(p.runs, p.plans.plans, p.metric);
  if (p.metric && data.drawn > 0) {
    p.chart = drawMetricChart(data, p.metric, axisLabel(p.runs), chartLabel(p, data.drawn, data.deleted), (pt) => open(pt.dir, pt.key));
    p.chartBox.replaceChildren(p.chart.element, el('p', { className: 'section-note' }, ['Each point is a checkpoint: click one to inspect it. Ringed points are deleted by the plan; hover for why.']));
  } else {
    p.chartBox.replaceChildren(el('p', { className: 'section-note', attrs: { role: 'note' } }, [p.metric ? `No checkpoint on the axis records ${p.metric}.` : 'No checkpoint records a metric: sizes and the plan are below.']));
  }
  const table = renderRunTable(p.runs, p.plans.plans, p.metric, open);
  p.rows = table.rows;
  p.tableBox.replaceChildren(table.element);
  const kept = p.plans.plans.reduce((n, r) => n + r.kept, 0);
  const deleted = p.plans.plans.reduce((n, r) => n + r.deleted, 0);
  const bytes = p.plans.plans.reduce((n, r) => n + r.reclaimBytes, 0);
  const policies = [...new Set(p.plans.plans.map((r) => r.policy))].join('; ');
  p.summary.textContent = `Plan (${policies}): keep ${kept}, delete ${deleted}, frees ${formatBytes(bytes)}.`;
  p.problems.replaceChildren(...p.plans.problems.map((m) => el('li', {}, [m])));
}

function askPlan(policy: PolicyFields): Promise<void> {
  const asked = ++planAsked;
  return host
    .request('plan', { policy })
    .then((plans) => {
      if (!page || asked !== planAsked) return;
      page.plans = plans;
      drawPlan(page);
    })
    .catch(() => undefined);
}

function render(title: string, runs: RunSeries[], policy: PolicyFields, plans: RunPlans, trusted: boolean): void {
  page?.chart?.dispose();
  const metrics = metricsOf(runs);
  const metric = saved.metric && metrics.includes(saved.metric) ? saved.metric : (runs[0]?.primaryMetric?.name ?? metrics[0] ?? '');
  const metricSelect = el('select', { attrs: { id: 'metric', 'aria-label': 'Metric to draw' } }, metrics.map((m) => el('option', { attrs: { value: m } }, [m])));
  metricSelect.value = metric;
  metricSelect.disabled = metrics.length === 0;
  const form = renderPolicyForm(policy, metrics, (p) => void askPlan(p));
  const status = runs.map((r) => `${r.label}: ${r.status.state === 'unknown' ? 'status unknown (no planned length recorded)' : r.status.text}`);
  const prune = el('button', { className: 'action prune', attrs: { type: 'button' } }, ['Prune…']);
  prune.disabled = !trusted;
  prune.title = trusted ? 'Shows this plan in Prune…, which asks before moving anything to the trash' : 'Pruning deletes files: trust this workspace first';
  prune.addEventListener('click', () => void pruneNow(form));
  const p: Page = {
    runs,
    plans,
    metric,
    metrics,
    form,
    chartBox: el('div', { className: 'chart-box' }),
    tableBox: el('div', { className: 'table-box' }),
    summary: el('p', { className: 'plan-summary', attrs: { 'aria-live': 'polite' } }),
    problems: el('ul', { className: 'problems' }),
    status,
    rows: () => [],
  };
  metricSelect.addEventListener('change', () => {
    p.metric = metricSelect.value;
    vscode.setState({ metric: p.metric });
    drawPlan(p);
  });
  page = p;
  const main = el('main', { className: 'run-view' }, [
    el('header', { className: 'header' }, [el('h1', {}, [title]), el('ul', { className: 'status', attrs: { 'aria-label': 'Run status' } }, status.map((s, i) => el('li', { className: `status-${runs[i]!.status.state}` }, [s])))]),
    el('section', { className: 'block', attrs: { 'aria-label': 'Metric over steps' } }, [el('h2', {}, ['Metric']), el('label', { className: 'inline', attrs: { for: 'metric' } }, ['Draw ']), metricSelect, p.chartBox]),
    el('section', { className: 'block', attrs: { 'aria-label': 'Prune plan' } }, [el('h2', {}, ['Prune plan']), form.element, p.summary, p.problems, prune]),
    el('section', { className: 'block', attrs: { 'aria-label': 'Checkpoints' } }, [el('h2', {}, ['Checkpoints']), p.tableBox]),
  ]);
  document.body.replaceChildren(main);
  drawPlan(p);
}

/** Prune… with the policy as the form holds it; the button waits while the flow runs. */
async function pruneNow(form: PolicyForm): Promise<void> {
  const button = document.querySelector<HTMLButtonElement>('button.prune');
  if (button) button.disabled = true;
  try {
    await host.request('prune', { policy: form.value() });
  } catch {
    // The host reports what went wrong itself.
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

function shown(): ShownRunView {
  if (!page) return { metric: '', chart: { label: '', drawn: false, series: [] }, rows: [], status: [], summary: '' };
  const label = page.chartBox.querySelector('[role="img"]')?.getAttribute('aria-label') ?? page.chartBox.textContent ?? '';
  return {
    metric: page.metric,
    chart: { label, drawn: page.chart?.drawn() ?? false, series: page.chart?.series() ?? [] },
    rows: page.rows(),
    status: page.status,
    summary: page.summary.textContent ?? '',
  };
}

/** Waits for the chart's first frame. */
const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

const handlers: Handlers<RunWebviewMethods> = {
  shown: async () => {
    await frame();
    return shown();
  },
  choose: async ({ metric, policy }) => {
    if (!page) return shown();
    if (metric !== undefined) {
      const select = document.getElementById('metric') as HTMLSelectElement;
      select.value = metric;
      select.dispatchEvent(new Event('change'));
    }
    if (policy) {
      page.form.set(policy);
      await askPlan(page.form.value());
    }
    await frame();
    return shown();
  },
  prune: () => (page ? pruneNow(page.form) : undefined),
  activate: async ({ dir, key }) => {
    const button = Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-key]')).find((b) => b.dataset.dir === dir && b.dataset.key === key);
    button?.focus();
    button?.click();
  },
};

function handle(event: RunHostEvent): void {
  switch (event.type) {
    case 'loading':
      document.body.replaceChildren(el('main', { className: 'loading' }, [el('p', {}, [`Reading ${event.title}…`])]));
      break;
    case 'runs':
      render(event.title, event.runs, event.policy, event.plans, event.trusted);
      break;
    case 'error':
      page = undefined;
      document.body.replaceChildren(el('main', { className: 'error' }, [el('p', { attrs: { role: 'alert' } }, [event.message])]));
      break;
    default:
      assertNever(event);
  }
}

const host = new RpcEndpoint<RunWebviewMethods, RunHostMethods, RunWebviewEvent, RunHostEvent>((m) => vscode.postMessage(m), handlers, handle);
window.addEventListener('message', (event: MessageEvent<unknown>) => host.receive(event.data));
host.emit({ type: 'ready' });
