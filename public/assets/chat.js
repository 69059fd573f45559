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

  function insert(html) {
    const t = document.createElement("template");
    t.innerHTML = html;
    const el = t.content.firstElementChild;
    if (!el) return;
    const same = el.id ? document.getElementById(el.id) : null;
    if (same) same.replaceWith(el);
    else if (!Array.prototype.some.call(log.children, (c) => c.dataset.key === el.dataset.key)) log.append(el);
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
    error.textContent = "";
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "text/event-stream", "X-CSRF-Token": form.elements._csrf.value },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      if (!res.ok || !res.body) {
        const json = (res.headers.get("content-type") || "").includes("json");
        error.textContent = res.status === 429 ? form.dataset.rateLimited : json ? (await res.json()).error.message : await res.text();
        return;
      }
      input.value = "";
      await read(res.body, on);
    } catch {
      error.textContent = form.dataset.failed;
    } finally {
      button.disabled = false;
      input.focus();
    }
  });

  // Enter sends, Shift+Enter starts a new line.
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const events = log.closest("main").dataset.events;
  if (events && window.EventSource) {
    const live = new EventSource(events);
    for (const name of ["line", "person"]) live.addEventListener(name, (m) => insert(m.data));
  }
  bottom();
})();
