// Line and bar charts with uPlot (bundled locally; canvas, so fast with typed arrays straight from an op's
// columns). Every chart has a title, a legend, a "Download PNG" button (canvas.toBlob) and its numbers as a
// table in a <details> for screen readers and for copying.
import uPlot from 'uplot';
import { download, h } from './dom';
import { fmtNum } from './format';

export interface SeriesSpec {
  label: string;
  values: ArrayLike<number | null>;
  /** A CSS colour or a var(--name). Default: the palette. */
  color?: string;
  dash?: boolean;
  /** Points only (no line). */
  points?: boolean;
  width?: number;
}
export interface ChartSpec {
  title: string;
  /** x values: numbers, or unix seconds when time is true. */
  x: ArrayLike<number>;
  time?: boolean;
  series: SeriesSpec[];
  xLabel?: string;
  yLabel?: string;
  /** Tick labels for the x axis (categorical charts). */
  xNames?: string[];
  yFormat?: (v: number) => string;
  fileName: string;
  height?: number;
  bars?: boolean;
}

const kPalette = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6', '--chart-7', '--chart-8'];

function cssColor(value: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(value) ?? (value.startsWith('--') ? [value, value] : null);
  return m ? getComputedStyle(document.documentElement).getPropertyValue(m[1]).trim() || '#888' : value;
}

export function paletteColor(i: number): string {
  return cssColor(kPalette[i % kPalette.length]);
}

function toFloat(values: ArrayLike<number | null>): (number | null)[] | Float64Array {
  if (values instanceof Float64Array) return values;
  return Array.from(values, (v) => (v === null || v === undefined || !Number.isFinite(v as number) ? null : (v as number)));
}

const charts = new Set<uPlot>();
let observer: ResizeObserver | null = null;

export function chart(spec: ChartSpec): HTMLElement {
  const box = h('div', { class: 'chart-box', role: 'img', 'aria-label': `${spec.title} (chart; the numbers are in the table below)` });
  const pngNote = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const png = h('button', { type: 'button', class: 'secondary small' }, 'Download PNG');
  const figure = h('figure', { class: 'card chart' },
    h('div', { class: 'chart-head' }, h('figcaption', {}, spec.title), png, pngNote), box);
  const x = spec.time ? Float64Array.from(spec.x) : Float64Array.from(spec.x);
  const data: uPlot.AlignedData = [x, ...spec.series.map((s) => toFloat(s.values))] as uPlot.AlignedData;
  const text = cssColor('--text');
  const muted = cssColor('--muted');
  const grid = cssColor('--border');
  const fmtY = spec.yFormat ?? ((v: number) => fmtNum(v));
  const bars = spec.bars ? uPlot.paths.bars!({ size: [0.6, 40] }) : undefined;
  const opts: uPlot.Options = {
    width: 600,
    height: spec.height ?? 280,
    scales: { x: { time: !!spec.time } },
    series: [
      { label: spec.xLabel ?? 'x', value: spec.xNames ? (_u, v) => spec.xNames![v] ?? '' : spec.time ? '{YYYY}-{MM}-{DD}' : (_u, v) => (v === null ? '—' : fmtNum(v)) },
      ...spec.series.map((s, i): uPlot.Series => {
        const stroke = s.color ? cssColor(s.color) : paletteColor(i);
        return {
          label: s.label, stroke, width: s.width ?? 2, dash: s.dash ? [6, 4] : undefined,
          fill: spec.bars ? stroke : undefined, paths: bars ?? (s.points ? () => null : undefined),
          points: { show: s.points || x.length < 40, size: s.points ? 7 : 5, fill: stroke, stroke },
          value: (_u, v) => (v === null ? '—' : fmtY(v)), spanGaps: false,
        };
      }),
    ],
    axes: [
      { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: spec.xLabel, labelSize: spec.xLabel ? 20 : 0,
        ...(spec.xNames ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => spec.xNames![t] ?? ''), splits: () => spec.xNames!.map((_, i) => i),
          ...(spec.xNames.some((n) => n.length > 3) ? { rotate: -45, size: 90 } : {}) } : {}) },
      { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: spec.yLabel, labelSize: spec.yLabel ? 20 : 0,
        size: 64, values: (_u: uPlot, ticks: number[]) => ticks.map(fmtY) },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  if (spec.xNames) opts.scales!.x = { time: false, range: [-0.5, spec.xNames.length - 0.5] };
  if (spec.bars) opts.scales!.y = { range: (_u, _min, max) => [0, max * 1.08] };
  let plot: uPlot | null = null;
  const make = () => {
    const width = Math.max(260, Math.floor(box.clientWidth || 600));
    if (plot) {
      if (Math.abs(plot.width - width) > 2) plot.setSize({ width, height: opts.height });
      return;
    }
    plot = new uPlot({ ...opts, width }, data, box);
    plot.root.style.color = text;
    charts.add(plot);
  };
  // Created once the figure is in the document (it needs a width).
  requestAnimationFrame(function wait() {
    if (!figure.isConnected) { requestAnimationFrame(wait); return; }
    make();
    observer ??= new ResizeObserver(() => { for (const c of charts) if (!c.root.isConnected) charts.delete(c); });
    observer.observe(box);
  });
  const onResize = () => { if (!figure.isConnected) window.removeEventListener('resize', onResize); else if (plot) make(); };
  window.addEventListener('resize', onResize);
  png.addEventListener('click', () => {
    if (!plot) return;
    const src = plot.ctx.canvas;
    const out = document.createElement('canvas');
    const titleH = 36 * devicePixelRatio;
    out.width = src.width;
    out.height = src.height + titleH;
    const c = out.getContext('2d')!;
    c.fillStyle = cssColor('--surface');
    c.fillRect(0, 0, out.width, out.height);
    c.fillStyle = text;
    c.font = `600 ${15 * devicePixelRatio}px system-ui, sans-serif`;
    c.fillText(spec.title, 12 * devicePixelRatio, 24 * devicePixelRatio);
    c.drawImage(src, 0, titleH);
    out.toBlob((blob) => {
      if (!blob) return;
      download(`${spec.fileName}.png`, blob, 'image/png');
      pngNote.textContent = 'PNG downloaded.';
    }, 'image/png');
  });
  // The numbers behind the chart.
  const n = Math.min(x.length, 500);
  const xText = (i: number) => spec.xNames ? spec.xNames[i] : spec.time ? new Date(x[i] * 1000).toISOString().slice(0, 10) : fmtNum(x[i]);
  figure.append(h('details', { class: 'chart-data' }, h('summary', {}, 'Show the numbers'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.xLabel ?? ''), spec.series.map((s) => h('th', { scope: 'col', class: 'num' }, s.label)))),
      h('tbody', {}, Array.from({ length: n }, (_, i) => h('tr', {}, h('th', { scope: 'row' }, xText(i)),
        spec.series.map((s) => h('td', { class: 'num' }, s.values[i] === null || s.values[i] === undefined ? '—' : fmtY(s.values[i] as number))))))))));
  return figure;
}

/** "YYYY-MM-DD" -> unix seconds (UTC midnight). */
export function daySeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}
