/**
 * A simulated CPO that registers itself with a test service (CPO-initiated): operations create an
 * invitation (token A + our versions URL), the simulator POSTs its credentials to us.
 */
import { CpoSimulator, CpoSimulatorOptions, startCpoSimulator } from '../cpo-simulator';
import { TestService } from './test-service';

export interface InvitedCpo {
  simulator: CpoSimulator;
  connectionId: string;
  tokenA: string;
  versionsUrl: string;
  close(): Promise<void>;
}

/** Starts a simulator and creates an invitation for it; `register` (default true) lets it register at once. */
export async function inviteCpo(service: TestService, options: CpoSimulatorOptions, register = true): Promise<InvitedCpo> {
  const simulator = await startCpoSimulator(options);
  const invited = await service.ops('POST', '/connections/invitations', { name: `${options.countryCode}*${options.partyId} (invited)` });
  if (invited.status !== 201) {
    await simulator.close();
    throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  }
  const cpo = {
    simulator,
    connectionId: invited.body.connection.id as string,
    tokenA: invited.body.token_a as string,
    versionsUrl: invited.body.versions_url as string,
    close: () => simulator.close().catch(() => undefined),
  };
  if (register)
    await simulator.registerWith(cpo.versionsUrl, cpo.tokenA).catch(async (error: unknown) => {
      await cpo.close();
      throw error;
    });
  return cpo;
}
