import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CallAdmission, CallSettlement, CpoCallGate } from '../ocpi/client/cpo-call-gate';
import { admissionOf, afterAnswer, afterFailure, afterOwnCancel, Circuit, CircuitSettings, CLOSED_CIRCUIT, refusalOf } from './cpo-circuit';

/** A circuit row as SQL returns it, with the connection's name. */
interface CircuitRow {
  state: Circuit['state'];
  consecutive_failures: number;
  openings: number;
  opened_by: Circuit['openedBy'];
  opened_at: Date | null;
  open_until: Date | null;
  probe_until: Date | null;
  last_failure: string | null;
  last_failure_at: Date | null;
  name?: string;
}

/** An admission of a call whose circuit was CLOSED without failures: its answer needs no write. */
interface QuietAdmission extends CallAdmission {
  quiet?: boolean;
}

/**
 * The circuit breaker of every CPO connection, in the database (table cpo_circuit) so that every instance sees the
 * same state and only one of them sends the probe of a HALF_OPEN circuit (claimed with a conditional UPDATE). It is the
 * OCPI client's CpoCallGate: asked before each call to a connection, told how the call ended. Transitions are in
 * cpo-circuit.ts. A call that finds the circuit CLOSED without failures costs one read; its answer then writes nothing
 * (so an answer racing another instance's failure may leave that failure counted: the count is "about N in a row").
 * When the database cannot be reached the gate lets calls through: the breaker protects CPOs, it must not stop pulls.
 */
@Injectable()
export class CpoCircuitService implements CpoCallGate {
  private readonly logger = new Logger(CpoCircuitService.name);
  private readonly settings: CircuitSettings;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    const env = config.env;
    this.settings = {
      failures: env.CPO_CIRCUIT_FAILURES,
      backoffMs: env.CPO_CIRCUIT_BACKOFF_MS,
      maxBackoffMs: env.CPO_CIRCUIT_MAX_BACKOFF_MS,
      retryAfterMaxMs: env.CPO_RETRY_AFTER_MAX_SECONDS * 1000,
    };
  }

  /** See CpoCallGate.admit: CLOSED passes; an OPEN circuit whose time has come, or a void probe claim, is claimed as the probe; else refused. */
  async admit(connectionId: string, probeLeaseMs: number): Promise<QuietAdmission | { refused: string }> {
    try {
      const row = await this.read(this.db.manager, connectionId);
      if (!row) return { connectionId, probe: false, quiet: true };
      const circuit = circuitOf(row);
      const now = new Date();
      switch (admissionOf(circuit, now)) {
        case 'PASS':
          return { connectionId, probe: false, quiet: circuit.consecutiveFailures === 0 };
        case 'CLAIM_PROBE':
          if (await this.claimProbe(connectionId, circuit, now, probeLeaseMs)) return { connectionId, probe: true };
          return { refused: refusalOf({ ...circuit, state: 'HALF_OPEN' }, row.name ?? connectionId, resetPathOf(connectionId), now) };
        case 'REFUSE':
          return { refused: refusalOf(circuit, row.name ?? connectionId, resetPathOf(connectionId), now) };
      }
    } catch (error) {
      this.logger.warn({ connectionId, error: (error as Error).message }, 'circuit not readable: the call goes ahead');
      return { connectionId, probe: false, quiet: true };
    }
  }

  /** See CpoCallGate.settle. */
  async settle(admission: QuietAdmission, settlement: CallSettlement): Promise<void> {
    const { connectionId, probe } = admission;
    try {
      switch (settlement.health) {
        case 'ANSWERED':
          if (!admission.quiet || probe) await this.change(connectionId, (c) => afterAnswer(c), false);
          return;
        case 'OURS':
          if (probe) await this.change(connectionId, (c) => afterOwnCancel(c, true), false);
          return;
        case 'UNWELL': {
          const call = { failure: settlement.failure ?? 'unknown failure', retryAfterMs: settlement.retryAfterMs, probe };
          const now = new Date();
          await this.change(connectionId, (c) => afterFailure(c, now, this.settings, call), true);
          return;
        }
      }
    } catch (error) {
      this.logger.warn({ connectionId, error: (error as Error).message }, 'circuit not updated');
    }
  }

  /** Closes the circuit by hand (operations): calls resume at once; the last failure stays on view. */
  async reset(connectionId: string): Promise<void> {
    await this.change(connectionId, (c) => afterAnswer(c), false);
  }

  /** Reads the circuit under a row lock, applies `next` and writes it back; creates the row first when `create`. */
  private async change(connectionId: string, next: (c: Circuit) => Circuit, create: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (create) await tx.query(`INSERT INTO cpo_circuit (connection_id) VALUES ($1) ON CONFLICT (connection_id) DO NOTHING`, [connectionId]);
      const row = await this.read(tx, connectionId, true);
      if (!row) return;
      const c = next(circuitOf(row));
      await tx.query(
        `UPDATE cpo_circuit SET state = $2, consecutive_failures = $3, openings = $4, opened_by = $5, opened_at = $6, open_until = $7,
           probe_until = $8, last_failure = $9, last_failure_at = $10, updated_at = now()
         WHERE connection_id = $1`,
        [connectionId, c.state, c.consecutiveFailures, c.openings, c.openedBy, c.openedAt, c.openUntil, c.probeUntil, c.lastFailure, c.lastFailureAt],
      );
    });
  }

  /**
   * Claims the probe of a circuit whose time has come: succeeds for one caller only, on any instance (the UPDATE
   * re-checks its condition on the row it locks).
   */
  private async claimProbe(connectionId: string, c: Circuit, now: Date, leaseMs: number): Promise<boolean> {
    const probeUntil = new Date(now.getTime() + leaseMs);
    const due = c.state === 'OPEN' ? `state = 'OPEN' AND (open_until IS NULL OR open_until <= $3)` : `state = 'HALF_OPEN' AND (probe_until IS NULL OR probe_until <= $3)`;
    const result: unknown = await this.db.query(
      `UPDATE cpo_circuit SET state = 'HALF_OPEN', probe_until = $2, updated_at = now() WHERE connection_id = $1 AND ${due} RETURNING connection_id`,
      [connectionId, probeUntil, now],
    );
    return updatedRows(result) > 0;
  }

  private async read(manager: EntityManager, connectionId: string, lock = false): Promise<CircuitRow | null> {
    const rows: CircuitRow[] = await manager.query(
      lock
        ? `SELECT * FROM cpo_circuit WHERE connection_id = $1 FOR UPDATE`
        : `SELECT c.*, k.name FROM cpo_circuit c JOIN cpo_connection k ON k.id = c.connection_id WHERE c.connection_id = $1`,
      [connectionId],
    );
    return rows[0] ?? null;
  }
}

/** The operations endpoint that closes a connection's circuit by hand. */
export function resetPathOf(connectionId: string): string {
  return `/api/v1/operations/connections/${connectionId}/circuit/reset`;
}

function circuitOf(row: CircuitRow): Circuit {
  return {
    ...CLOSED_CIRCUIT,
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    openings: row.openings,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    openUntil: row.open_until,
    probeUntil: row.probe_until,
    lastFailure: row.last_failure,
    lastFailureAt: row.last_failure_at,
  };
}

/** Rows an UPDATE … RETURNING touched, as TypeORM's pg driver gives them ([rows, count]) or as plain rows. */
function updatedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
