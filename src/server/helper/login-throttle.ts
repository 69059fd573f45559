/**
 * Failed sign-ins counted per name and per client address over a window. Past its limit either key is refused
 * until the window has passed since its first failure, so guessing one person's password and trying one
 * password on every name are both slow. An address gets more tries than a name: an office's agents share one.
 * In memory, per process: behind several `serve` processes each counts its own.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limits = { perName: 5, perAddress: 30 },
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(name: string, address: string) {
    return [
      { key: `name:${name}`, max: this.limits.perName },
      { key: `addr:${address}`, max: this.limits.perAddress },
    ];
  }

  /** Seconds until this name from this address may try again; 0 when it may now. */
  retryAfter(name: string, address: string): number {
    const t = this.now();
    let wait = 0;
    for (const { key, max } of this.keys(name, address)) {
      const f = this.failures.get(key);
      if (!f) continue;
      if (t - f.since >= this.windowMs) this.failures.delete(key);
      else if (f.count >= max) wait = Math.max(wait, Math.ceil((f.since + this.windowMs - t) / 1000));
    }
    return wait;
  }

  failed(name: string, address: string): void {
    const t = this.now();
    if (this.failures.size > 100_000) for (const [k, f] of this.failures) if (t - f.since >= this.windowMs) this.failures.delete(k);
    for (const { key } of this.keys(name, address)) {
      const f = this.failures.get(key);
      if (!f || t - f.since >= this.windowMs) this.failures.set(key, { count: 1, since: t });
      else f.count++;
    }
  }

  /**
   * Before a password is checked: seconds to wait, or 0 with the attempt counted as a failure already. A check
   * takes long (argon2), so counting only after it would let guesses sent all at once pass before the first counts.
   */
  begin(name: string, address: string): number {
    const wait = this.retryAfter(name, address);
    if (wait === 0) this.failed(name, address);
    return wait;
  }

  /**
   * A right password clears the name's count (not the address's: one good account must not unlock guessing
   * others), and takes back the failure begin() counted for the address.
   */
  succeeded(name: string, address?: string): void {
    this.failures.delete(`name:${name}`);
    const f = address === undefined ? undefined : this.failures.get(`addr:${address}`);
    if (f && f.count > 0) f.count--;
  }
}
