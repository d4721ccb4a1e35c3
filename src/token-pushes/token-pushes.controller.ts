import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PendingTokenPush, TokenPushes } from './token-pushes';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';
import { ConnectionsService } from '../connections/connections.service';

/** Operations API: which Token changes a connection's CPO has not received yet, and how old they are. */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/connections/:id/token-pushes')
export class TokenPushesController {
  constructor(
    private readonly pushes: TokenPushes,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * GET: { pending: [{ token_uid, token_type, kind (PUT | PATCH), pending_since, age_seconds, attempts,
   * last_attempt_at, last_error, delivered_at }], count }, oldest first. Empty when the CPO has everything (or holds
   * none of our Tokens). 404 for an unknown connection.
   */
  @Get()
  @ApiOperation({ summary: 'Token changes not yet delivered to this CPO' })
  @ApiOkResponse({ description: '{ pending: [...], count }' })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection' })
  async list(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ pending: PendingTokenPush[]; count: number }> {
    await this.connections.get(id);
    const pending = await this.pushes.pendingFor(id);
    return { pending, count: pending.length };
  }
}
