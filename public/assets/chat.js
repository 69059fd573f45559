// The web chat with JS: a post reads its turn as the run writes it (an SSE body over fetch), and a person's
// messages arrive live (EventSource). Every piece comes rendered by the server; a piece whose data-key the
// page holds already is skipped, so the stream, the live updates and a reload never show a line twice.
(() => {
  const form = document.getElementById("chat-form");
  const log = document.getElementById("chat-log");
  const error = document.getElementById("chat-error");
  if (!form || !log || !window.fetch || !window.TextDecoder) return;
  const input = form.elements.message;
  const button = form.querySelector("button");
  const bottom = () => (log.scrollTop = log.scrollHeight);

  // Server-rendered pieces, each placed once: one with an id (the person's status) replaces the page's.
  function insert(html) {
    const t = document.createElement("template");
    t.innerHTML = html;
    // The hint of a conversation not yet begun goes once it has begun, as a reload would show it.
    log.querySelector('[data-key="hint"]')?.remove();
    for (const el of Array.from(t.content.children)) {
      const same = el.id ? document.getElementById(el.id) : null;
      if (same) same.replaceWith(el);
      else if (!Array.prototype.some.call(log.children, (c) => c.dataset.key === el.dataset.key)) log.append(el);
    }
    bottom();
  }

  async function read(body, on) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      buf += decoder.decode(value || new Uint8Array(), { stream: !done });
      let end;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        on(event, data.join("\n"));
      }
      if (done) return;
    }
  }

  function on(event, data) {
    if (event === "line" || event === "person") insert(data);
    else if (event === "failed") error.textContent = data;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    button.disabled = true;
    log.setAttribute("aria-busy", "true");
    error.textContent = "";
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "text/event-stream", "X-CSRF-Token": form.elements._csrf.value },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      if (!res.ok || !res.body) {
        // 400 names what is wrong with the message; the rest are the page's own words.
        const json = res.status === 400 && (res.headers.get("content-type") || "").includes("json");
        error.textContent = json ? (await res.json()).error.message : res.status === 429 ? form.dataset.rateLimited : res.status === 403 ? form.dataset.expired : form.dataset.failed;
        return;
      }
      input.value = "";
      await read(res.body, on);
    } catch {
      error.textContent = form.dataset.failed;
    } finally {
      button.disabled = false;
      log.setAttribute("aria-busy", "false");
      input.focus();
    }
  });

  // Enter sends (not while a turn is still being read: one turn at a time), Shift+Enter starts a new line.
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (!button.disabled) form.requestSubmit();
    }
  });

  // A live event says only that the thread changed: the lines after the last one shown are read then, one
  // read at a time (a change during a read is read after it).
  let reading = false;
  let again = false;
  async function update() {
    if (reading) return void (again = true);
    reading = true;
    try {
      do {
        again = false;
        const res = await fetch(`/chat/updates?after=${log.dataset.last || 0}`, { credentials: "same-origin" });
        if (!res.ok) return;
        insert(await res.text());
        log.dataset.last = res.headers.get("X-Chat-Last") || log.dataset.last;
      } while (again);
    } finally {
      reading = false;
    }
  }
  const events = log.closest("main").dataset.events;
  if (events && window.EventSource) {
    const live = new EventSource(events);
    for (const name of ["line", "handoffs", "resync"]) live.addEventListener(name, update);
  }
  bottom();
})();
