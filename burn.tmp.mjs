import http from "node:http";
import autocannon from "autocannon";
import { fork } from "node:child_process";
if (process.argv[2] === "server") {
  const s = http.createServer((req, res) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => { const t = performance.now(); while (performance.now() - t < 10); res.setHeader("content-type", "application/json"); res.end("{}"); }); });
  s.listen(0, "127.0.0.1", () => process.send(s.address().port));
} else {
  const child = fork(new URL(import.meta.url).pathname, ["server"]);
  const port = await new Promise((r) => child.once("message", r));
  for (const c of [16, 64, 64]) {
    const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: c, duration: 8, method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    console.log(c, r.requests.average, "p50", r.latency.p50, "p90", r.latency.p90, "p99", r.latency.p99, "max", r.latency.max);
  }
  child.kill();
}
