/** A promise and the function that settles it: holds a flow (a transaction, a request) at a known point. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
