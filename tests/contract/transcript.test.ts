import { expect, it } from "vitest";
import { contract } from "./backends.js";

const line = (thread: string, text: string) => ({ thread_id: thread, customer_id: null, channel: "web" as const, author: "customer", text });

contract("transcript", (store) => {
  it("reads a thread's lines with their keys: from the start, after a line, or its latest, oldest first", async () => {
    const thread = "tr-latest";
    await store().transcript.append(["a", "b", "c", "d"].map((k) => ({ key: `${thread}:${k}`, line: line(thread, k) })));
    await store().transcript.append([{ key: "tr-other:x", line: line("tr-other", "x") }]);
    const all = await store().transcript.thread(thread);
    expect(all.map((l) => [l.key, l.text])).toEqual(["a", "b", "c", "d"].map((k) => [`${thread}:${k}`, k]));
    expect((await store().transcript.thread(thread, { latest: 2 })).map((l) => l.text)).toEqual(["c", "d"]);
    expect((await store().transcript.thread(thread, { afterId: all[1]!.id, limit: 1 })).map((l) => l.text)).toEqual(["c"]);
  });
});
