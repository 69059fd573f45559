// Draws the charts a page carries as JSON (<script type="application/json" data-chart>) with uPlot, and
// redraws one when an htmx answer brings its new data (the "chart-data" event: a finished iteration's new point).
(() => {
  const COLORS = ["#0b5cad", "#a4161a", "#1f7a3a", "#8a5a00"];
  function draw(spec, again) {
    const box = document.querySelector('[data-chart-box="' + spec.id + '"]');
    if (!box || (box.dataset.drawn && !again)) return;
    box.dataset.points = String(spec.x.length);
    box.setAttribute("aria-label", box.getAttribute("aria-label").replace(/\d+ puntos$/, spec.x.length + " puntos"));
    if (spec.x.length === 0) return;
    box.dataset.drawn = "1";
    box.textContent = "";
    const bars = spec.kind === "bars";
    const xs = bars ? spec.x.map((_, i) => i) : spec.x;
    const label = (v) => (bars ? spec.x[v] ?? "" : v);
    const series = spec.series.map((s, i) => ({
      label: s.label,
      stroke: COLORS[i % COLORS.length],
      width: 2,
      fill: bars ? COLORS[i % COLORS.length] + "bb" : undefined,
      points: { show: !bars, size: 7 },
      paths: bars ? uPlot.paths.bars({ size: [0.35, 80], align: spec.series.length === 2 ? (i === 0 ? -1 : 1) : 0 }) : undefined,
    }));
    const opts = {
      width: Math.max(260, Math.min(box.clientWidth || 600, 960)),
      height: 240,
      scales: { x: bars ? { time: false, range: [-0.6, xs.length - 0.4] } : { time: false } },
      axes: [
        bars ? { splits: () => xs, values: (u, ticks) => ticks.map(label) } : { label: "iteración", incrs: [1, 2, 5, 10, 20, 50] },
        { label: spec.y_label },
      ],
      series: [{ label: bars ? "segmento" : "iteración", value: (u, v) => (v == null ? "—" : label(v)) }, ...series],
    };
    new uPlot(opts, [xs, ...spec.series.map((s) => s.values)], box);
  }
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach((s) => draw(JSON.parse(s.textContent), false));
  document.body.addEventListener("chart-data", (e) => draw(e.detail.spec, true));
})();
