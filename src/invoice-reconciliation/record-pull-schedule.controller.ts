import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ModuleMode } from '../connections/cpo-connection.entity';
import { MAX_INTERVAL_MINUTES, MODULE_MODES } from '../connections/module-modes';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';
import { RecordPullScheduler, RecordPullScheduleView } from './record-pull.scheduler';

/** Body of PUT …/invoice-reconciliation-schedule: a field left out is kept; null goes back to the default. */
export class RecordPullScheduleDto {
  @ApiPropertyOptional({ enum: MODULE_MODES, nullable: true, description: 'PULL or BOTH: pulled on schedule; RECEIVE: not pulled; null: the default (BOTH)' })
  @IsOptional()
  @IsIn(MODULE_MODES, { message: `mode must be one of ${MODULE_MODES.join(', ')}, or null` })
  mode?: ModuleMode | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: MAX_INTERVAL_MINUTES, description: 'Minutes between scheduled pulls, 0 off; null: the default (a day)' })
  @IsOptional()
  @IsInt({ message: 'interval_minutes must be a whole number of minutes' })
  @Min(0, { message: `interval_minutes must be between 0 and ${MAX_INTERVAL_MINUTES}` })
  @Max(MAX_INTERVAL_MINUTES, { message: `interval_minutes must be between 0 and ${MAX_INTERVAL_MINUTES}` })
  interval_minutes?: number | null;
}

/**
 * The schedule of a 2.3.0 CPO's InvoiceReconciliationRecord pulls (mod_invoice_reconciliation §Sender Interface), per
 * connection: mode and interval, the checkpoint and the last pull. X-API-Key: OPERATIONS_API_KEY.
 */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/connections')
export class RecordPullScheduleController {
  constructor(private readonly scheduler: RecordPullScheduler) {}

  /** GET {id}/invoice-reconciliation-schedule — RecordPullScheduleView; 404 unknown connection. */
  @Get(':id/invoice-reconciliation-schedule')
  @ApiOperation({ summary: "The schedule of a CPO's InvoiceReconciliationRecord pulls (2.3.0)" })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection' })
  view(@Param('id', new ParseUUIDPipe()) id: string): Promise<RecordPullScheduleView> {
    return this.scheduler.view(id);
  }

  /** PUT {id}/invoice-reconciliation-schedule {mode?, interval_minutes?} — the schedule after the change; 400 naming the field; 404. */
  @Put(':id/invoice-reconciliation-schedule')
  @ApiOperation({ summary: "Set the mode or interval of a CPO's InvoiceReconciliationRecord pulls (2.3.0)" })
  @ApiErrors({ 400: 'id is not a uuid, or mode / interval_minutes invalid (named)', 404: 'No such connection' })
  change(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: RecordPullScheduleDto): Promise<RecordPullScheduleView> {
    return this.scheduler.change(id, {
      ...(body.mode !== undefined ? { mode: body.mode } : {}),
      ...(body.interval_minutes !== undefined ? { interval_minutes: body.interval_minutes } : {}),
    });
  }
}
