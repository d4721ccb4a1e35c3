import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LocationReader } from '../locations/location.reader';
import { SessionCostService } from './session-cost.service';
import { SessionView, toSessionView } from './session-view';
import { HeldSession, SessionFlagSettings, SessionReader } from './session.reader';
import { SessionStatus } from './session.model';

/** The Sessions the app follows: one by our id, or a token's, each with our own cost so far and its flags. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly reader: SessionReader,
    private readonly cost: SessionCostService,
    private readonly locations: LocationReader,
    private readonly config: AppConfig,
  ) {}

  /** The flag settings (SESSION_STALE_MINUTES, SESSION_CDR_OVERDUE_HOURS). */
  get flagSettings(): SessionFlagSettings {
    return { staleMinutes: this.config.env.SESSION_STALE_MINUTES, cdrOverdueHours: this.config.env.SESSION_CDR_OVERDUE_HOURS };
  }

  /** One Session by our id. @throws NotFoundException when we hold none. */
  async one(id: string, now = new Date()): Promise<SessionView> {
    const held = await this.reader.findById(id, now, this.flagSettings);
    if (!held) throw new NotFoundException(`No session ${id}`);
    return this.view(held, now);
  }

  /** A token's Sessions, newest start first. */
  async byToken(by: { token_uid: string } | { contract_id: string }, statuses: SessionStatus[] | null, limit: number, now = new Date()): Promise<SessionView[]> {
    const held = await this.reader.listByToken(by, { statuses, limit }, now, this.flagSettings);
    const views: SessionView[] = [];
    for (const h of held) views.push(await this.view(h, now));
    return views;
  }

  /** How many of one connection's Sessions are flagged now, per flag (for operations). */
  flaggedCounts(connectionId: string, now = new Date()): Promise<{ stale: number; cdr_overdue: number; no_cdr_free_charge: number }> {
    return this.reader.countFlagged(connectionId, now, this.flagSettings);
  }

  private async view(held: HeldSession, now: Date): Promise<SessionView> {
    const s = held.session;
    const connector = await this.locations.connectorAt({
      countryCode: s.country_code,
      partyId: s.party_id,
      locationId: s.location_id,
      evseUid: s.evse_uid,
      connectorId: s.connector_id,
    });
    const cost = await this.cost.costSoFar(s, connector);
    const ours = connector ? { location_id: connector.location_id, connector_id: connector.id } : null;
    return toSessionView(held, cost, ours, now, this.flagSettings);
  }
}
