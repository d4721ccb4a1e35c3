/**
 * A simulated CPO registered with a test service through the operations API, as operations would do it.
 */
import { CpoSimulator, CpoSimulatorOptions, startCpoSimulator } from '../cpo-simulator';
import { syncAndWait } from './sync-runs';
import { TestService } from './test-service';

export interface RegisteredCpo {
  simulator: CpoSimulator;
  connectionId: string;
  /** POST …/sync (202), then follows each module's run until it has finished; the outcomes in pull order (SyncOutcome). */
  sync(full?: boolean): Promise<any[]>;
  close(): Promise<void>;
}

export async function registerCpo(service: TestService, options: CpoSimulatorOptions): Promise<RegisteredCpo> {
  const simulator = await startCpoSimulator(options);
  const { status, body } = await service.ops('POST', '/connections', {
    name: `${options.countryCode}*${options.partyId}`,
    versions_url: simulator.versionsUrl,
    token_a: simulator.tokenA,
  });
  if (status !== 201) {
    await simulator.close();
    throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  }
  return {
    simulator,
    connectionId: body.id,
    sync: (full = false) => syncAndWait(service, body.id, full),
    // A test may already have stopped the CPO on purpose.
    close: () => simulator.close().catch(() => undefined),
  };
}
