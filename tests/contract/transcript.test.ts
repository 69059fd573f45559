import { expect, it } from "vitest";
import { contract } from "./backends.js";

contract("Transcript", (store) => {
  const line = (thread: string, author: string, text: string, customer: string | null = "c-1") => ({ thread_id: thread, customer_id: customer, channel: "whatsapp" as const, author, text });

  it("keeps a thread's lines in order, once per key, with card and phone numbers masked", async () => {
    const t = store().transcript;
    await t.append([
      { key: "run-1:customer", line: line("th-1", "customer", "mi tarjeta es 4111 1111 1111 1111, busco un jetta") },
      { key: "run-1:bot", line: line("th-1", "bot", "Tengo 3 Jetta.") },
    ]);
    // The same turn recorded again (a redelivered run), then the next one and a person's answer.
    await t.append([
      { key: "run-1:customer", line: line("th-1", "customer", "mi tarjeta es 4111 1111 1111 1111, busco un jetta") },
      { key: "run-1:bot", line: line("th-1", "bot", "Tengo 3 Jetta.") },
      { key: "run-2:customer", line: line("th-1", "customer", "quiero hablar con alguien") },
      { key: "run-2:person", line: line("th-1", "person:ana", "Hola, soy Ana.") },
    ]);
    const lines = await t.thread("th-1");
    expect(lines.map((l) => [l.author, l.text])).toEqual([
      ["customer", expect.not.stringContaining("4111 1111")],
      ["bot", "Tengo 3 Jetta."],
      ["customer", "quiero hablar con alguien"],
      ["person:ana", "Hola, soy Ana."],
    ]);
    expect(lines[0]!.text).toContain("busco un jetta");
    expect((await t.thread("th-1", { afterId: lines[1]!.id, limit: 1 })).map((l) => l.text)).toEqual(["quiero hablar con alguien"]);
  });

  it("reads a customer's latest lines across threads, newest first; an anonymous thread's are its own", async () => {
    const t = store().transcript;
    await t.append([{ key: "a:1", line: line("th-a", "customer", "hola", "c-2") }]);
    await t.append([{ key: "b:1", line: line("th-b", "customer", "sigo aquí", "c-2") }]);
    await t.append([{ key: "v:1", line: line("th-v", "customer", "soy visitante", null) }]);
    expect((await t.customer("c-2")).map((l) => l.thread_id)).toEqual(["th-b", "th-a"]);
    expect((await t.thread("th-v")).map((l) => l.customer_id)).toEqual([null]);
  });

  it("reads a thread's lines with their keys, and its latest lines, oldest first", async () => {
    const t = store().transcript;
    await t.append(["a", "b", "c", "d"].map((k) => ({ key: `th-l:${k}`, line: line("th-l", "customer", k) })));
    expect((await t.thread("th-l")).map((l) => [l.key, l.text])).toEqual(["a", "b", "c", "d"].map((k) => [`th-l:${k}`, k]));
    expect((await t.thread("th-l", { latest: 2 })).map((l) => l.text)).toEqual(["c", "d"]);
  });

  it("refuses an author it does not know, naming the field, and writes none of the batch", async () => {
    const t = store().transcript;
    await expect(t.append([{ key: "x:1", line: line("th-x", "customer", "hola") }, { key: "x:2", line: line("th-x", "robot", "…") }])).rejects.toThrow(/author/);
    expect(await t.thread("th-x")).toEqual([]);
  });

  it("reads the threads written to last, whole, each oldest first", async () => {
    const t = store().transcript;
    await t.append([{ key: "r1:1", line: line("th-r1", "customer", "uno") }]);
    await t.append([{ key: "r2:1", line: line("th-r2", "customer", "dos") }]);
    await t.append([{ key: "r3:1", line: line("th-r3", "customer", "tres") }]);
    // th-r1 is written to again: it is among the latest two, with its first line too.
    await t.append([{ key: "r1:2", line: line("th-r1", "bot", "uno, respuesta") }]);
    const lines = await t.recentThreads(2);
    expect(lines.map((l) => [l.thread_id, l.text])).toEqual([
      ["th-r1", "uno"],
      ["th-r1", "uno, respuesta"],
      ["th-r3", "tres"],
    ]);
  });
});
