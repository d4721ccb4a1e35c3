import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallLogQueryDto } from '../call-log/call-log-query.dto';
import { CallLogEntryView, CallLogService } from '../call-log/call-log.service';
import { OperationsApiKeyGuard } from '../common/auth/api-key.guard';

/** Operations API: the log of failed OCPI calls, per CPO, both directions. */
@ApiTags('operations')
@ApiHeader({ name: 'X-API-Key', description: 'OPERATIONS_API_KEY', required: true })
@Controller('api/v1/operations/call-log')
@UseGuards(OperationsApiKeyGuard)
export class CallLogController {
  constructor(private readonly callLog: CallLogService) {}

  /**
   * GET ?connection_id&module&kind&direction&since&limit: failed calls newest first, each with CPO, module, method,
   * URL, HTTP status, OCPI status, duration (ms), request and correlation ids, the request and response bodies
   * (credentials tokens redacted, at most 8 KB) and a one-line explanation of what went wrong and what to do.
   * 400 for an invalid filter.
   */
  @Get()
  @ApiOperation({ summary: 'Failed OCPI calls to and from CPOs, with a plain-words explanation each' })
  list(@Query() query: CallLogQueryDto): Promise<CallLogEntryView[]> {
    return this.callLog.list({
      connectionId: query.connection_id,
      module: query.module,
      kind: query.kind,
      direction: query.direction,
      since: query.since ? new Date(query.since) : undefined,
      limit: query.limit,
    });
  }
}
