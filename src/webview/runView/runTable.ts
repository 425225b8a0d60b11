// The checkpoints of the runs shown, one row each: the keyboard's way to everything the chart
// shows. Each checkpoint's name is a button that opens it in the inspector; beside it its value
// of the chosen metric, its sizes (model, optimizer, the rest) as numbers and as a stacked bar,
// and what the plan does with it and why.
import { formatBytes, formatMetric } from '../../core/format';
import type { RunPlanView, RunSeries } from '../../shared/runViewProtocol';
import { el } from '../dom';

export interface TableRow {
  run: string;
  name: string;
  value: string;
  plan: string;
}

/** One bar segment: its share of the largest checkpoint shown, set through the CSSOM (the CSP allows no inline styles). */
function segment(className: string, bytes: number, max: number, what: string): HTMLElement {
  const span = el('span', { className: `seg ${className}`, title: `${what}: ${formatBytes(bytes)}` });
  span.style.width = `${max > 0 ? (bytes / max) * 100 : 0}%`;
  return span;
}

export function renderRunTable(runs: readonly RunSeries[], plans: readonly RunPlanView[], metric: string, onOpen: (dir: string, key: string) => void): { element: HTMLElement; rows: () => TableRow[] } {
  const planOf = new Map(plans.map((p) => [p.dir, new Map(p.points.map((u) => [u.key, u]))]));
  const max = Math.max(0, ...runs.flatMap((r) => r.points.map((p) => p.bytes)));
  const several = runs.length > 1;
  const rows: TableRow[] = [];
  const body = el('tbody');
  for (const run of runs) {
    for (const p of run.points) {
      const plan = planOf.get(run.dir)?.get(p.key);
      const value = p.metrics[metric];
      const shownValue = value === undefined ? '–' : formatMetric(value);
      const marks = [p.best ? 'best' : '', p.pinned || p.note ? 'pinned' : '', p.archived ? 'archived' : '', p.incomplete ? 'incomplete' : ''].filter(Boolean);
      const open = el('button', { className: 'link', attrs: { type: 'button', 'data-dir': run.dir, 'data-key': p.key, 'aria-label': `Open ${p.name}${several ? ` of ${run.label}` : ''} in the inspector` } }, [p.name]);
      open.addEventListener('click', () => onOpen(run.dir, p.key));
      const planText = plan ? (plan.keep ? 'keep' : 'delete') : '';
      const tr = el('tr', { className: plan && !plan.keep ? 'deleted' : '' }, [
        ...(several ? [el('td', {}, [run.label])] : []),
        el('td', {}, [open, ...marks.map((m) => el('span', { className: `badge ${m}` }, [m]))]),
        el('td', { className: 'num' }, [p.x === null ? '–' : String(p.x)]),
        el('td', { className: 'num', title: value === undefined ? '' : String(value) }, [shownValue]),
        el('td', { className: 'num' }, [formatBytes(p.modelBytes)]),
        el('td', { className: 'num' }, [formatBytes(p.optimizerBytes)]),
        el('td', { className: 'num' }, [formatBytes(p.otherBytes)]),
        el('td', { className: 'bar-cell', attrs: { 'aria-hidden': 'true' } }, [
          el('div', { className: 'sizebar' }, [segment('model', p.modelBytes, max, 'model'), segment('optimizer', p.optimizerBytes, max, 'optimizer'), segment('other', p.otherBytes, max, 'other')]),
        ]),
        el('td', { className: `plan ${planText}` }, [planText]),
        el('td', { className: 'reason' }, [plan?.reason.replace(/^(kept|deleted): /, '') ?? '', ...(p.note ? [el('div', { className: 'note' }, [`note: ${p.note}`])] : [])]),
      ]);
      body.appendChild(tr);
      rows.push({ run: run.label, name: p.name, value: shownValue, plan: planText });
    }
  }
  const heads = [...(several ? ['Run'] : []), 'Checkpoint', runs[0]?.axis === 'epoch' ? 'Epoch' : 'Step', metric || 'Metric', 'Model', 'Optimizer', 'Other', 'Size', 'Plan', 'Why'];
  const numeric = new Set(['Step', 'Epoch', metric || 'Metric', 'Model', 'Optimizer', 'Other']);
  const head = el('thead', {}, [el('tr', {}, heads.map((h) => el('th', { className: numeric.has(h) ? 'num' : '', attrs: { scope: 'col' } }, [h])))]);
  const element = el('table', { className: 'grid runs-table', attrs: { 'aria-label': 'Checkpoints: sizes, values and the plan' } }, [head, body]);
  return { element, rows: () => rows };
}
