/**
 * Incoming calls are written to the call log just after the answer leaves (the exception filter does not wait for
 * the write): tests poll briefly for the entry they expect.
 */
import { TestService } from './test-service';

/** The first call-log entry matching `query` (e.g. `?connection_id=…`) and `match`; throws after about a second. */
export async function callLogEntry(service: TestService, query: string, match: (entry: any) => boolean): Promise<any> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { body } = await service.ops('GET', `/call-log${query}`);
    const found = (body as any[]).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no call-log entry for ${query} matched`);
}
