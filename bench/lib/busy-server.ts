/**
 * A bare node:http server that spends a fixed CPU time on every request, answering `{}`: what
 * bench:api sets next to the care graph's service to tell our latency tail from Node's own under a
 * CPU-bound load. Run as a forked child; it sends its port to the parent.
 */
import { createServer } from "node:http";

const busyMs = Number(process.argv[2] ?? 9);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const t0 = performance.now();
    while (performance.now() - t0 < busyMs);
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send!(typeof address === "object" && address ? address.port : 0);
});
