import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
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
   * GET ?connection_id&module&kind&direction&since&until&object_id&after&limit: failed calls newest first, each with CPO,
   * module, method, URL, HTTP status, OCPI status, duration (ms), request and correlation ids, the request and response
   * bodies (credentials tokens redacted, at most 8 KB), a one-line explanation of what went wrong and what to do, whose
   * side it is on (`side`: CPO, OURS, NETWORK, EITHER), the `next_step`, and a `cursor` (pass the last one as `after`
   * for the next page).
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
      until: query.until ? new Date(query.until) : undefined,
      objectId: query.object_id,
      after: query.after,
      limit: query.limit,
    });
  }

  /** GET {id}: one entry, as in the list; 404 for an unknown id, 400 for one that is not a UUID. */
  @Get(':id')
  @ApiOperation({ summary: 'One failed OCPI call, with its bodies, side and next step' })
  @ApiErrors({ 400: 'The id is not a UUID', 404: 'No call-log entry with this id (entries are kept CALL_LOG_RETENTION_DAYS)' })
  async one(@Param('id', new ParseUUIDPipe()) id: string): Promise<CallLogEntryView> {
    const entry = await this.callLog.get(id);
    if (entry === null) throw new NotFoundException(`No call-log entry ${id}`);
    return entry;
  }
}
