/**
 * A limit of calls in flight per CPO connection, on this instance (OCPI_MAX_CALLS_PER_CPO): a call beyond it waits, in
 * order of arrival, for one to finish. Per instance rather than across instances: a shared count would cost a database
 * round trip per call and go wrong when an instance dies holding places; with I instances a CPO sees at most
 * I × the limit. A waiting call whose `signal` aborts leaves the queue at once.
 */
export class CallsInFlight {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  /**
   * Waits for a place for a call to `key` (a connection id). @returns the function that gives the place back (call it
   * once, when the call has ended). @throws the signal's reason (an Error) when it aborts while waiting.
   */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if ((this.running.get(key) ?? 0) >= this.limit) await this.queue(key, signal);
    else this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(key);
    };
  }

  /** Calls to `key` in flight now (for tests and diagnostics). */
  inFlight(key: string): number {
    return this.running.get(key) ?? 0;
  }

  private queue(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      this.waiting.set(key, queue);
      const onAbort = () => {
        const at = queue.indexOf(wake);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('the call was cancelled while it waited for a place'));
      };
      // The place is handed over by release(): the running count stays as it was.
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) return next();
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
    const count = (this.running.get(key) ?? 1) - 1;
    if (count <= 0) this.running.delete(key);
    else this.running.set(key, count);
  }
}
