/** A lock handed to its waiters one at a time, in arrival order. */
export function fifoLock() {
  let held = false;
  const waiting: Array<() => void> = [];
  return {
    acquire: (): Promise<void> => (held ? new Promise((resolve) => waiting.push(resolve)) : ((held = true), Promise.resolve())),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else held = false;
    },
  };
}

export type FifoLock = ReturnType<typeof fifoLock>;

/** Runs `fn` holding `lock`: no Kysely query or transaction is open on the connection meanwhile. */
export async function locked<T>(lock: FifoLock, fn: () => T | Promise<T>): Promise<T> {
  await lock.acquire();
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
