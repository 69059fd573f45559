/** Wall and CPU times of calls, by kind: on a shared machine the wall clock's tail is the scheduler's, the CPU time's is ours. */
export class Timings {
  readonly wall = new Map<string, number[]>();
  readonly cpu = new Map<string, number[]>();

  add(kind: string, wallMs: number, cpuMs: number): void {
    (this.wall.get(kind) ?? this.wall.set(kind, []).get(kind)!).push(wallMs);
    (this.cpu.get(kind) ?? this.cpu.set(kind, []).get(kind)!).push(cpuMs);
  }

  /** Times one call (awaited when it returns a promise) under `kind`; returns its result. */
  async time<T>(kind: string, f: () => T | Promise<T>): Promise<T> {
    const c = process.cpuUsage();
    const s = performance.now();
    const out = await f();
    this.record(kind, s, c);
    return out;
  }

  timeSync<T>(kind: string, f: () => T): T {
    const c = process.cpuUsage();
    const s = performance.now();
    const out = f();
    this.record(kind, s, c);
    return out;
  }

  private record(kind: string, start: number, cpuStart: NodeJS.CpuUsage) {
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    this.add(kind, ms, (cpu.user + cpu.system) / 1000);
  }
}

/** The p-quantile of an ascending list (nearest rank below). */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
export const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
export const fmtMs = (ms: number) => ms.toFixed(3);

/** "| kind | calls | wall p50 | wall p99 | wall max | CPU p50 | CPU p99 |", the catalog bench's row. */
export function latencyRow(kind: string, wall: readonly number[], cpu: readonly number[], bold = false): string {
  const b = (x: string) => (bold ? `**${x}**` : x);
  const [w, c] = [ascending(wall), ascending(cpu)];
  return `| ${kind} | ${w.length} | ${b(fmtMs(percentile(w, 0.5)))} | ${b(fmtMs(percentile(w, 0.99)))} | ${fmtMs(w[w.length - 1]!)} | ${b(fmtMs(percentile(c, 0.5)))} | ${b(fmtMs(percentile(c, 0.99)))} |`;
}
export const LATENCY_HEADER = "| kind | calls | wall p50 ms | wall p99 ms | wall max ms | CPU p50 ms | CPU p99 ms |\n|---|---|---|---|---|---|---|";
