import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CallLogQueryDto } from '../call-log/call-log-query.dto';
import { CallLogEntryView, CallLogService } from '../call-log/call-log.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/** Operations API: the log of failed OCPI calls, per CPO, both directions. */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/call-log')
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
  @ApiErrors({ 400: 'An invalid filter, named' })
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
