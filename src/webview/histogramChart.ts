// The histogram drawn with uPlot on a canvas, in the theme's colours (read from VS Code's CSS
// variables, and read again when the theme changes). uPlot sizes its elements through the CSSOM
// (element.style), which the webview's CSP allows; its stylesheet is a file of the bundle.
import uPlot from 'uplot';
import type { TensorStats } from '../core/stats/tensorStats';
import { formatStat, histogramRange, histogramSeries } from './statsFormat';
import type { ChartDrawer, DrawnChart } from './statsPanel';

const HEIGHT = 180;

function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function options(stats: TensorStats, width: number): uPlot.Options {
  const fg = themeColour('--vscode-descriptionForeground', themeColour('--vscode-foreground', '#888'));
  const grid = themeColour('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)');
  const bar = themeColour('--vscode-charts-blue', '#3794ff');
  const font = `11px ${themeColour('--vscode-font-family', 'sans-serif')}`;
  const axis = { stroke: fg, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: histogramRange(stats) },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
    },
    axes: [
      { ...axis, values: (_u, ticks) => ticks.map((t) => formatStat(t)) },
      { ...axis, size: 56, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
    ],
    series: [{}, { label: 'elements', stroke: bar, fill: bar, width: 0, points: { show: false }, paths: uPlot.paths.bars!({ size: [1, Infinity], align: 1, gap: 1 }) }],
  };
}

/** True when the canvas has any pixel drawn. */
function canvasDrawn(root: HTMLElement): boolean {
  const canvas = root.querySelector('canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
  if (!data) return false;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
  return false;
}

export const drawHistogram: ChartDrawer = (container: HTMLElement, stats: TensorStats): DrawnChart => {
  const { x, y } = histogramSeries(stats);
  const width = (): number => Math.max(200, Math.floor(container.clientWidth || 360));
  let plot = new uPlot(options(stats, width()), [x, y], container);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
  resize.observe(container);
  // VS Code swaps the body's theme class (vscode-light, vscode-dark, vscode-high-contrast).
  const theme = new MutationObserver(() => {
    plot.destroy();
    plot = new uPlot(options(stats, width()), [x, y], container);
  });
  theme.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return {
    drawn: () => canvasDrawn(container),
    dispose: () => {
      resize.disconnect();
      theme.disconnect();
      plot.destroy();
    },
  };
};
