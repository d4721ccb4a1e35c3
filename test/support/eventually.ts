/**
 * Runs `check` until it passes, every 50 ms, for at most `timeoutMs` (then its last failure is thrown): for what another
 * instance, or a write made straight in the database, shows after its poll has caught up. Not a timed assertion: the
 * bound only ends a test that would otherwise wait forever.
 */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
