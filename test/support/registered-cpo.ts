/**
 * A simulated CPO registered with a test service through the operations API, as operations would do it.
 */
import { CpoSimulator, CpoSimulatorOptions, startCpoSimulator } from '../cpo-simulator';
import { TestService } from './test-service';

export interface RegisteredCpo {
  simulator: CpoSimulator;
  connectionId: string;
  /** POST …/sync; returns the outcomes per module. */
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
    async sync(full = false) {
      const result = await service.ops('POST', `/connections/${body.id}/sync${full ? '?full=true' : ''}`);
      if (result.status !== 201) throw new Error(`sync failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    },
    // A test may already have stopped the CPO on purpose.
    close: () => simulator.close().catch(() => undefined),
  };
}
