import type { Child } from "hono/jsx";

/** A table that may scroll sideways on a phone: a named region a keyboard can reach and scroll. */
export function Scroll({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
