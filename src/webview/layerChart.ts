// The compare report's chart: mean rel_l2 per layer, one line per module kind, drawn with uPlot
// in the theme's colours (read from VS Code's CSS variables, and again when the theme changes).
// x is the position (embeddings, each block, the head); the axis shows their names.
import uPlot from 'uplot';
import type { LayerChanges } from '../core/compare/layerGroups';
import { formatChange } from './compareFormat';
import type { DrawnChart } from './statsPanel';

const HEIGHT = 220;
const KIND_COLOURS: Record<string, [string, string]> = {
  attn: ['--vscode-charts-blue', '#3794ff'],
  mlp: ['--vscode-charts-orange', '#d18616'],
  embeddings: ['--vscode-charts-green', '#89d185'],
  'head/other': ['--vscode-charts-purple', '#b180d7'],
};

function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function options(layers: LayerChanges, width: number): uPlot.Options {
  const fg = themeColour('--vscode-descriptionForeground', themeColour('--vscode-foreground', '#888'));
  const grid = themeColour('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)');
  const font = `11px ${themeColour('--vscode-font-family', 'sans-serif')}`;
  const axis = { stroke: fg, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const labels = layers.positions.map((p) => p.label);
  const last = Math.max(0, labels.length - 1);
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, last + 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axis, splits: () => labels.map((_, i) => i), values: (_u, ticks) => ticks.map((t) => labels[t] ?? '') },
      { ...axis, size: 64, values: (_u, ticks) => ticks.map((t) => formatChange(t)) },
    ],
    series: [
      { label: 'position' },
      ...layers.series.map((s) => {
        const [name, fallback] = KIND_COLOURS[s.kind] ?? ['--vscode-foreground', '#888'];
        const colour = themeColour(name, fallback);
        return { label: s.kind, stroke: colour, width: 2, spanGaps: true, points: { show: true, size: 6, stroke: colour, fill: colour } };
      }),
    ],
  };
}

function data(layers: LayerChanges): uPlot.AlignedData {
  return [layers.positions.map((_, i) => i), ...layers.series.map((s) => s.values)] as uPlot.AlignedData;
}

/** True when the canvas has any pixel drawn. */
function canvasDrawn(root: HTMLElement): boolean {
  const canvas = root.querySelector('canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
  if (!pixels) return false;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}

export type LayerChartDrawer = (container: HTMLElement, layers: LayerChanges) => DrawnChart;

export const drawLayerChart: LayerChartDrawer = (container, layers) => {
  const width = (): number => Math.max(240, Math.floor(container.clientWidth || 480));
  let plot = new uPlot(options(layers, width()), data(layers), container);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
  resize.observe(container);
  const theme = new MutationObserver(() => {
    plot.destroy();
    plot = new uPlot(options(layers, width()), data(layers), container);
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
