// The metric chart's data, as uPlot takes it: one x array (the steps of every run shown, merged)
// and per run a line of its checkpoints' values and a second series holding only the points the
// plan deletes, drawn as rings over the line. Pure, so it is unit-tested without a canvas.
import type { PlannedPoint, RunPlanView, RunSeries } from '../../shared/runViewProtocol';

export interface ChartPoint {
  dir: string;
  key: string;
  name: string;
  value: number;
  plan?: PlannedPoint;
}

export interface ChartData {
  xs: number[];
  /** Per run shown with this metric: its line, then its deleted points, aligned with `xs`. */
  lines: Array<{ run: RunSeries; values: Array<number | null>; deleted: Array<number | null> }>;
  /** The checkpoint behind each drawn value, by run and x. */
  points: Map<string, Map<number, ChartPoint>>;
  drawn: number;
  deleted: number;
}

export function chartData(runs: readonly RunSeries[], plans: readonly RunPlanView[], metric: string): ChartData {
  const planOf = new Map(plans.map((p) => [p.dir, new Map(p.points.map((u) => [u.key, u]))]));
  const xs = [...new Set(runs.flatMap((r) => r.points.filter((p) => p.x !== null && p.metrics[metric] !== undefined).map((p) => p.x!)))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const points = new Map<string, Map<number, ChartPoint>>();
  const lines: ChartData['lines'] = [];
  let drawn = 0;
  let deleted = 0;
  for (const run of runs) {
    const values: Array<number | null> = xs.map(() => null);
    const gone: Array<number | null> = xs.map(() => null);
    const byX = new Map<number, ChartPoint>();
    for (const p of run.points) {
      const value = p.metrics[metric];
      if (p.x === null || value === undefined) continue;
      const i = at.get(p.x)!;
      values[i] = value;
      const plan = planOf.get(run.dir)?.get(p.key);
      if (plan && !plan.keep) {
        gone[i] = value;
        deleted++;
      }
      byX.set(p.x, { dir: run.dir, key: p.key, name: p.name, value, ...(plan ? { plan } : {}) });
      drawn++;
    }
    if (byX.size === 0) continue;
    points.set(run.dir, byX);
    lines.push({ run, values, deleted: gone });
  }
  return { xs, lines, points, drawn, deleted };
}

/** Every metric of the runs, the first run's own first. */
export function metricsOf(runs: readonly RunSeries[]): string[] {
  const out: string[] = [];
  for (const r of runs) for (const m of r.metrics) if (!out.includes(m)) out.push(m);
  return out;
}

/** What the axis counts: `step` when every run counts steps. */
export function axisLabel(runs: readonly RunSeries[]): string {
  const axes = new Set(runs.map((r) => r.axis));
  return axes.size === 1 ? { step: 'step', epoch: 'epoch', order: 'checkpoint' }[[...axes][0]!] : 'step or epoch';
}
