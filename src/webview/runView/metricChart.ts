// The metric over steps, drawn with uPlot in the theme's colours: a line per run, every
// checkpoint a point, the ones the plan deletes ringed in the error colour. Hovering shows the
// checkpoint, its value and its plan; a click opens it in the inspector (the table below is the
// keyboard's way to the same). Redrawn when the theme changes.
import uPlot from 'uplot';
import { formatMetric } from '../../core/format';
import { el } from '../dom';
import type { ChartData, ChartPoint } from './chartData';

const HEIGHT = 260;

function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const LINE_COLOURS: Array<[string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-yellow', '#cca700'],
];

export interface DrawnMetricChart {
  element: HTMLElement;
  /** True when the canvas has pixels on it. */
  drawn(): boolean;
  series(): string[];
  dispose(): void;
}

function options(data: ChartData, metric: string, xLabel: string, width: number, tip: HTMLElement, onOpen: (p: ChartPoint) => void): uPlot.Options {
  const fg = themeColour('--vscode-descriptionForeground', themeColour('--vscode-foreground', '#888'));
  const grid = themeColour('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)');
  const red = themeColour('--vscode-errorForeground', '#f14c4c');
  const bg = themeColour('--vscode-editor-background', '#1e1e1e');
  const font = `11px ${themeColour('--vscode-font-family', 'sans-serif')}`;
  const axis = { stroke: fg, font, labelFont: font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const series: uPlot.Series[] = [{ label: xLabel }];
  data.lines.forEach(({ run }, i) => {
    const [name, fallback] = LINE_COLOURS[i % LINE_COLOURS.length]!;
    const colour = themeColour(name, fallback);
    series.push({ label: run.label, stroke: colour, width: 2, spanGaps: true, points: { show: true, size: 7, stroke: colour, fill: colour }, value: (_u, v) => (v == null ? '–' : formatMetric(v)) });
    series.push({ label: `${run.label}: deleted by the plan`, stroke: red, width: 0, paths: () => null, points: { show: true, size: 13, width: 2, stroke: red, fill: bg }, value: (_u, v) => (v == null ? '–' : formatMetric(v)) });
  });
  /** The checkpoint under the cursor: the run whose point at this x is nearest the pointer. */
  const nearest = (u: uPlot): ChartPoint | undefined => {
    const idx = u.cursor.idx;
    const top = u.cursor.top;
    if (idx == null || top == null || top < 0) return undefined;
    let best: { p: ChartPoint; d: number } | undefined;
    data.lines.forEach(({ run, values }) => {
      const v = values[idx];
      if (v == null) return;
      const d = Math.abs(u.valToPos(v, 'y') - top);
      const p = data.points.get(run.dir)?.get(data.xs[idx]!);
      if (p && (!best || d < best.d)) best = { p, d };
    });
    return best?.p;
  };
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: { x: { time: false } },
    axes: [
      { ...axis, label: xLabel },
      { ...axis, label: metric, size: 64, values: (_u, ticks) => ticks.map((t) => formatMetric(t)) },
    ],
    series,
    hooks: {
      setCursor: [
        (u) => {
          const p = nearest(u);
          if (!p) {
            tip.hidden = true;
            return;
          }
          tip.replaceChildren(el('strong', {}, [p.name]), el('br'), `${metric} ${formatMetric(p.value)}`, ...(p.plan ? [el('br'), p.plan.reason] : []));
          tip.hidden = false;
          tip.style.left = `${Math.min(u.over.clientWidth - 160, (u.cursor.left ?? 0) + 12)}px`;
          tip.style.top = `${(u.cursor.top ?? 0) + 12}px`;
        },
      ],
      ready: [
        (u) => {
          u.over.addEventListener('click', () => {
            const p = nearest(u);
            if (p) onOpen(p);
          });
          u.over.addEventListener('mouseleave', () => (tip.hidden = true));
        },
      ],
    },
  };
}

function canvasDrawn(root: HTMLElement): boolean {
  const canvas = root.querySelector('canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
  if (!pixels) return false;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}

export function drawMetricChart(data: ChartData, metric: string, xLabel: string, label: string, onOpen: (p: ChartPoint) => void): DrawnMetricChart {
  const tip = el('div', { className: 'chart-tip', attrs: { role: 'tooltip' } });
  tip.hidden = true;
  const holder = el('div', { className: 'chart-canvas' });
  const element = el('div', { className: 'metric-chart', attrs: { role: 'img', 'aria-label': label } }, [holder, tip]);
  const width = (): number => Math.max(260, Math.floor(element.clientWidth || 640));
  const columns: uPlot.AlignedData = [data.xs, ...data.lines.flatMap((l) => [l.values, l.deleted])] as uPlot.AlignedData;
  let plot: uPlot | undefined;
  const make = (): void => {
    plot?.destroy();
    plot = new uPlot(options(data, metric, xLabel, width(), tip, onOpen), columns, holder);
  };
  // Drawn once the element is in the page and has a width.
  requestAnimationFrame(make);
  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT }));
  resize.observe(element);
  const theme = new MutationObserver(make);
  theme.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return {
    element,
    drawn: () => canvasDrawn(holder),
    series: () => (plot ? plot.series.slice(1).map((s) => String(s.label ?? '')) : []),
    dispose: () => {
      resize.disconnect();
      theme.disconnect();
      plot?.destroy();
    },
  };
}
