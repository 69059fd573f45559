// Shows each slider's value beside it (shares as percentages). Nothing else: the form works without it.
document.addEventListener("input", (e) => {
  const el = e.target;
  if (!(el instanceof HTMLInputElement) || el.type !== "range") return;
  const out = el.parentElement.querySelector("output");
  if (out) out.textContent = Number(el.step) < 1 ? Math.round(Number(el.value) * 100) + " %" : el.value;
});
