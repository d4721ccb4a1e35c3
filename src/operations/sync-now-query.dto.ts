import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import type { SyncModule } from '../sync/sync-run.entity';

const MODULES: readonly SyncModule[] = ['tariffs', 'locations', 'sessions', 'cdrs', 'hubclientinfo'];

/** Query of POST /api/v1/operations/connections/{id}/sync. */
export class SyncNowQueryDto {
  @ApiPropertyOptional({ description: 'true: everything the CPO lists, not only what changed since the last good pull', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'full must be true or false' })
  full?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only this module (default: every module the connection pulls)', enum: MODULES })
  @IsOptional()
  @IsIn(MODULES, { message: `module must be one of ${MODULES.join(', ')}` })
  module?: SyncModule;

  @ApiPropertyOptional({
    description: 'A window to read again: objects the CPO changed at or after this instant (sent as date_from); leaves the incremental pull where it was',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'date_from must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' })
  date_from?: string;

  @ApiPropertyOptional({ description: 'The end of that window (sent as date_to; needs date_from)', example: '2026-11-08T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'date_to must be an ISO 8601 date-time, e.g. 2026-11-08T00:00:00Z' })
  date_to?: string;
}
