import { loadToolData } from "./src/tools/index.js";
const d = loadToolData();
const qs = process.argv.slice(2);
for (const q of qs) {
  const p = d.catalog.parse(q);
  const r = d.catalog.search(p.query);
  console.log(JSON.stringify(q), JSON.stringify(p.query), r.status, r.total, JSON.stringify(r.relaxed), r.cars.slice(0,5).map(c => `${c.make} ${c.model} ${c.year} ${c.price}`).join("; "));
}
