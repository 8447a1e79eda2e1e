/** A counting semaphore: at most `max` holders at once, the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`semaphore size must be a positive integer, got ${max}`);
  }

  get inFlight(): number {
    return this.active;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    // The releasing holder hands its slot straight to the next waiter (active stays the same).
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

const perEndpoint = new Map<string, Semaphore>();

/**
 * The process-wide semaphore of one endpoint (by base URL), shared by every client that talks to it.
 * The first caller's size wins; later callers get the same semaphore whatever size they ask.
 */
export function endpointSemaphore(baseURL: string, max: number): Semaphore {
  const key = baseURL.replace(/\/+$/, '');
  let sem = perEndpoint.get(key);
  if (!sem) {
    sem = new Semaphore(max);
    perEndpoint.set(key, sem);
  }
  return sem;
}
