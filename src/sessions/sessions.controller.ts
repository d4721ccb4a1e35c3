import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { SessionListQueryDto } from './dto/session-list-query.dto';
import { SessionView } from './session-view';
import { SessionsService } from './sessions.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/** Internal API for the mobile-app backend: follow a charge (mod_sessions), with its cost so far, ours and the CPO's. */
@InternalApi('sessions', 'INTERNAL')
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /**
   * GET /api/v1/sessions?token_uid=… | ?contract_id=… [&status=ACTIVE,PENDING][&limit=10]
   * A driver's Sessions, newest start first, each as GET /api/v1/sessions/{id} answers it. token_uid is CdrToken.uid
   * (2.2.1+); contract_id is CdrToken.contract_id (2.2.1+) or the 2.1.1 auth_id. 400 unless exactly one is given, or for
   * an unknown status or a limit outside 1–50.
   */
  @Get()
  @ApiOperation({ summary: "A driver's sessions by token uid or contract id, newest first, with cost so far" })
  @ApiOkResponse({ description: '{ data: SessionView[], meta: { count, evaluated_at } }' })
  @ApiErrors({ 400: 'Neither or both of token_uid and contract_id, an unknown status, a limit outside 1–50' })
  async list(@Query() q: SessionListQueryDto): Promise<{ data: SessionView[]; meta: { count: number; evaluated_at: string } }> {
    if ((q.token_uid === undefined) === (q.contract_id === undefined)) throw new BadRequestException('give exactly one of token_uid and contract_id');
    const now = new Date();
    const by = q.token_uid !== undefined ? { token_uid: q.token_uid } : { contract_id: q.contract_id! };
    const data = await this.sessions.byToken(by, q.status ?? null, q.limit, now);
    return { data, meta: { count: data.length, evaluated_at: now.toISOString() } };
  }

  /**
   * GET /api/v1/sessions/{id} (our id, a uuid): status, start, duration so far (s), energy so far (kWh), the CPO's cost
   * so far, our own cost so far from the tariff engine over the ChargingPeriods received (with the tariffs and versions
   * that priced it, exact or why not), the difference (ours − theirs), how old the last update is, flags (STALE,
   * CDR_OVERDUE, NO_CDR_FREE_CHARGE) and the CDR once we hold it. 400 for an id that is not a uuid, 404 for an unknown one.
   */
  @Get(':id')
  @ApiOperation({ summary: "One session with its cost so far, ours and the CPO's, and its flags" })
  @ApiOkResponse({ description: 'SessionView' })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such session' })
  one(@Param('id', new ParseUUIDPipe()) id: string): Promise<SessionView> {
    return this.sessions.one(id);
  }
}
