import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OperationsApiKeyGuard } from '../common/auth/api-key.guard';
import { PendingTokenPush, TokenPushes } from './token-pushes';

/** Operations API: which Token changes a connection's CPO has not received yet, and how old they are. */
@ApiTags('operations')
@ApiHeader({ name: 'X-API-Key', description: 'OPERATIONS_API_KEY', required: true })
@ApiUnauthorizedResponse({ description: 'Missing or wrong X-API-Key' })
@Controller('api/v1/operations/connections/:id/token-pushes')
@UseGuards(OperationsApiKeyGuard)
export class TokenPushesController {
  constructor(private readonly pushes: TokenPushes) {}

  /**
   * GET: { pending: [{ token_uid, token_type, kind (PUT | PATCH), pending_since, age_seconds, attempts,
   * last_attempt_at, last_error, delivered_at }], count }, oldest first. Empty when the CPO has everything (or holds
   * none of our Tokens).
   */
  @Get()
  @ApiOperation({ summary: 'Token changes not yet delivered to this CPO' })
  @ApiOkResponse({ description: '{ pending: [...], count }' })
  async list(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ pending: PendingTokenPush[]; count: number }> {
    const pending = await this.pushes.pendingFor(id);
    return { pending, count: pending.length };
  }
}
