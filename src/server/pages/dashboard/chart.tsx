/**
 * A chart as data: the page carries it as JSON in a <script type="application/json"> block that
 * public/assets/charts.js reads and draws with uPlot (no inline script, so the CSP can forbid it).
 */
export interface ChartSpec {
  id: string;
  kind: "line" | "bars";
  title: string;
  /** x values (iterations) for a line chart; category labels for bars. */
  x: number[] | string[];
  series: Array<{ label: string; values: Array<number | null> }>;
  y_label: string;
}

/** JSON that cannot close the script element it sits in. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

export function Chart({ spec }: { spec: ChartSpec }) {
  const points = spec.x.length;
  return (
    <figure class="chart" id={`fig-${spec.id}`}>
      <figcaption>{spec.title}</figcaption>
      <div class="chart-box" data-chart-box={spec.id} data-points={String(points)} role="img" aria-label={`${spec.title}: ${points} puntos`}>
        {points === 0 && <p class="muted">Sin datos todavía.</p>}
      </div>
      <script type="application/json" data-chart={spec.id} dangerouslySetInnerHTML={{ __html: scriptJson(spec) }}></script>
    </figure>
  );
}

/**
 * A chart's new data for a page that shows it, as an htmx response header: htmx drops <script> elements from
 * what it swaps in (scripts are off), so swapped HTML cannot carry the JSON block. charts.js hears the
 * `chart-data` event on <body> and redraws. Non-ASCII is escaped: a header is Latin-1 at best.
 */
export function chartUpdate(spec: ChartSpec): [string, string] {
  const json = JSON.stringify({ "chart-data": { target: "body", spec } }).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return ["HX-Trigger-After-Settle", json];
}
