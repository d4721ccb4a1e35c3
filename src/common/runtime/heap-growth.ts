import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets the old generation grow past what was live after its last full collection before the next one:
 * to (100 + percent)% of it (V8's --heap-growing-percent). 0 leaves V8's own factor, which it adapts between 1.1 and
 * 4 by how fast collections are: on a busy instance it chose a large one, and a pull of 50,000 Locations with the
 * search index held peaked at 408 MiB RSS (294 MiB of JS heap in use; the index itself ~60); at 30%, 247–259 MiB,
 * no slower within the noise of a loaded machine (issue 15, `npm run bench -- --only pull`). Not a cap: the heap
 * still grows as far as what is live needs, only full collections come sooner (mostly concurrent marking).
 * Left alone when the process was started with --heap-growing-percent (the command line decides). Process-wide: the
 * last call wins.
 */
export function setHeapGrowingPercent(percent: number): void {
  if (percent <= 0 || process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
