/**
 * How pg-boss treats jobs of one queue with the same singletonKey (pg-boss 10 queue policies): `standard` no limit;
 * `short` at most one waiting (a second send while one waits is dropped); `singleton` at most one active; `stately`
 * at most one waiting and one active.
 */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

/**
 * One queue of background work: its name, how duplicates collapse, and how failed jobs are retried. `T` is the job's
 * data (JSON: stored in the database until the job has run). Declared by the domain that works the queue.
 */
export interface QueueDefinition<T extends object> {
  /** Letters, digits, `-` and `_`; unique across the service. */
  readonly name: string;
  readonly policy: QueuePolicy;
  /** Attempts after the first one; then the job is failed for good (kept, visible in the queue's tables). */
  readonly retryLimit: number;
  /** Seconds before the first retry; with `retryBackoff`, doubled for each further one (with jitter). */
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  /**
   * Longest a job may run. Its handler's signal is aborted then; pg-boss also gives the job up then and retries it,
   * so this must be longer than any attempt can take (calls included), or a job could run twice at once.
   */
  readonly expireInSeconds: number;
  /** Only for the type: the job's data. */
  readonly __data?: T;
}

/** Declares a queue whose jobs carry data of type `T`. */
export function defineQueue<T extends object>(definition: Omit<QueueDefinition<T>, '__data'>): QueueDefinition<T> {
  return definition;
}
