import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { SenderPages } from '../connections/sender-pages';
import { fileRejections, Rejection } from '../intake/rejected-objects';
import { mapInvoiceReconciliationRecord230 } from '../ocpi/v2_3_0/invoicereconciliation/invoice-reconciliation-record.mapper';
import { ReconciliationRecordStore } from './reconciliation-record.store';

/** What one pull did: records read, stored (new or changed), unchanged, refused (kept raw in rejected_object). */
export interface RecordPullOutcome {
  received: number;
  stored: number;
  unchanged: number;
  rejected: number;
  pages: number;
}

/** Why a pull cannot start (closed set): the CPO is not a registered 2.3.0 CPO, or lists no invoicereconciliation Sender. */
export class RecordPullRefused extends Error {
  constructor(
    readonly reason: 'NOT_REGISTERED_2_3_0' | 'NO_SENDER_INTERFACE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Pulls a 2.3.0 CPO's InvoiceReconciliationRecords from its Sender interface (mod_invoice_reconciliation §Sender
 * Interface §GET Method: last_updated in [date_from, date_to), paginated), through SenderPages (the transport every
 * pull takes: paging, token encoding retry, endpoint re-discovery). One bad record never sinks its page.
 */
@Injectable()
export class ReconciliationRecordPuller {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
    private readonly pages: SenderPages,
    private readonly records: ReconciliationRecordStore,
    private readonly config: AppConfig,
  ) {}

  /** @throws RecordPullRefused; OcpiCallError when the CPO fails the call */
  async pull(connectionId: string, window: { from: Date | null; to: Date | null }): Promise<RecordPullOutcome> {
    const session = await this.connections.session(connectionId).catch(() => null);
    if (!session || session.adapter.version !== '2.3.0') throw new RecordPullRefused('NOT_REGISTERED_2_3_0', `connection ${connectionId} is no registered OCPI 2.3.0 CPO`);
    if (!session.adapter.senderUrl(session.connection.theirEndpoints, 'invoicereconciliation')) {
      throw new RecordPullRefused('NO_SENDER_INTERFACE', `the CPO's 2.3.0 endpoints list no invoicereconciliation SENDER interface`);
    }
    const outcome: RecordPullOutcome = { received: 0, stored: 0, unchanged: 0, rejected: 0, pages: 0 };
    const params = { limit: this.config.env.OCPI_PAGE_LIMIT, date_from: window.from?.toISOString(), date_to: window.to?.toISOString() };
    const parties = session.connection.parties;
    for await (const page of this.pages.pages(session, 'invoicereconciliation', params, {
      context: { connectionId, module: 'invoicereconciliation', correlationId: randomUUID() },
    })) {
      outcome.pages += 1;
      const rejections: Rejection[] = [];
      for (const raw of page.items) {
        outcome.received += 1;
        const mapped = mapInvoiceReconciliationRecord230(raw);
        if (!mapped.ok) {
          rejections.push({ raw, reason: `Invalid InvoiceReconciliationRecord: ${mapped.reason}`, identity: mapped.identity });
          continue;
        }
        const r = mapped.value;
        if (!parties.some((p) => p.countryCode.toUpperCase() === r.country_code && p.partyId.toUpperCase() === r.party_id)) {
          rejections.push({
            raw,
            reason: `InvoiceReconciliationRecord of ${r.country_code}*${r.party_id}, which is not a party of this connection`,
            identity: { countryCode: r.country_code, partyId: r.party_id, id: r.id },
          });
          continue;
        }
        const stored = await this.records.put(connectionId, r, raw, 'PULL');
        if (stored === 'UNCHANGED') outcome.unchanged += 1;
        else outcome.stored += 1;
      }
      outcome.rejected += rejections.length;
      await fileRejections(this.db, { connectionId, syncRunId: null, module: 'invoicereconciliation', ocpiVersion: '2.3.0' }, rejections);
    }
    return outcome;
  }
}
