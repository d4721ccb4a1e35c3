/**
 * The service in a child process of a test (forked by child-service.ts): started from the environment it was
 * given, it tells its parent its URL over IPC and runs until killed. A test kills it with SIGKILL to play an
 * instance that dies mid-work.
 */
import { loadEnvironment } from '../../src/config/env.validation';
import { startService } from '../../src/service';

async function main(): Promise<void> {
  const service = await startService(loadEnvironment(process.env));
  process.send?.({ url: service.url });
  process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.send?.({ error: (error as Error).message });
  process.exit(1);
});
