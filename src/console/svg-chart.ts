import { html, Html } from './html';

/** One series of a bar chart: its name (legend, class of its bars), colour and one value per slot. */
export interface BarSeries {
  name: string;
  colour: string;
  values: readonly number[];
}

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 40;
const BOTTOM = 20;
const TOP = 8;

/**
 * A stacked bar chart as inline SVG (no script, no outside asset: the console's CSP allows neither), one bar per slot,
 * the series stacked bottom up in the order given. Each bar segment is a `<rect class="bar {series}">` carrying
 * `data-slot` and `data-value` and a `<title>` (hover) in plain words; `labels` name the slots (every fourth is
 * written under the axis). The vertical scale is 0 to the largest stack (at least 1), its top written on the axis.
 */
export function barChart(title: string, labels: readonly string[], series: readonly BarSeries[]): Html {
  const slots = labels.length;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotWidth = WIDTH - LEFT - 4;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slotWidth = plotWidth / Math.max(1, slots);
  const barWidth = Math.max(1, slotWidth * 0.75);
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight;
  const bars: Html[] = [];
  labels.forEach((label, i) => {
    let base = 0;
    for (const s of series) {
      const value = s.values[i] ?? 0;
      if (value === 0) continue;
      const x = LEFT + i * slotWidth + (slotWidth - barWidth) / 2;
      const top = y(base + value);
      bars.push(
        html`<rect
          class="bar ${s.name}"
          data-slot="${i}"
          data-value="${value}"
          x="${x.toFixed(1)}"
          y="${top.toFixed(1)}"
          width="${barWidth.toFixed(1)}"
          height="${(y(base) - top).toFixed(1)}"
          fill="${s.colour}"
          ><title>${label}: ${value} ${s.name}</title></rect
        >`,
      );
      base += value;
    }
  });
  const ticks = labels.map((label, i) =>
    i % 4 === 0 ? html`<text x="${(LEFT + i * slotWidth + slotWidth / 2).toFixed(1)}" y="${HEIGHT - 5}" text-anchor="middle" font-size="10" fill="#6b7580">${label}</text>` : '',
  );
  return html`<figure class="chart">
    <figcaption>
      ${title}
      ${series.map(
        (s) =>
          html`<span class="legend"
            ><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.colour}" /></svg> ${s.name}</span
          > `,
      )}
    </figcaption>
    <svg role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">
      <line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${WIDTH}" y2="${TOP + plotHeight}" stroke="#9aa3ad" />
      <line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotHeight}" stroke="#9aa3ad" />
      <text x="${LEFT - 4}" y="${TOP + 8}" text-anchor="end" font-size="10" fill="#6b7580">${max}</text>
      <text x="${LEFT - 4}" y="${TOP + plotHeight}" text-anchor="end" font-size="10" fill="#6b7580">0</text>
      ${bars} ${ticks}
    </svg>
  </figure>`;
}
