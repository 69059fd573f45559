import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** `care-graph serve`'s line once it listens: its port. */
const SERVING = /Serving on http:\/\/[^\s:]+:(\d+)/;

/**
 * `care-graph serve` (or `args`) in a child process (the real CLI), resolved once it prints its address
 * (or, with `ready`, once its output matches it: the first group is the port of `url`). `runAs` prefixes
 * the command (e.g. setpriv to drop privileges). A child that does not get ready in time is killed.
 */
export function startChildServer(
  env: Record<string, string>,
  o: { args?: string[]; cwd?: string; runAs?: string[]; ready?: RegExp } = {},
): Promise<ChildServer> {
  const [command, ...rest] = [...(o.runAs ?? []), process.execPath, join(ROOT, "bin/care-graph.mjs"), ...(o.args ?? ["serve"])];
  const proc = spawn(command!, rest, {
    cwd: o.cwd ?? ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`child server did not start:\n${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(o.ready ?? SERVING);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${m[1]}`, exited, output: () => out });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited (${code}) before serving:\n${out}`));
    });
  });
}
