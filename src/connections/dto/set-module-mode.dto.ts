import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { ModuleMode } from '../cpo-connection.entity';
import { MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, MODULE_MODES } from '../module-modes';

/** Body of PATCH /api/v1/operations/connections/{id}/modules/{module}: the mode, the schedule, or both. */
export class SetModuleModeDto {
  @ApiProperty({
    description:
      "PULL: pulled from the CPO's Sender interface; RECEIVE: taken from its pushes to our Receiver interface; BOTH. null: back to the default " +
      '(BOTH when the CPO lists the Sender interface, else RECEIVE). Absent: left as it is.',
    enum: MODULE_MODES,
    nullable: true,
    required: false,
    example: 'RECEIVE',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsIn(MODULE_MODES, { message: `mode must be one of ${MODULE_MODES.join(', ')}, or null for the default` })
  mode?: ModuleMode | null;

  @ApiProperty({
    description:
      `Minutes between scheduled pulls of this module (${MIN_INTERVAL_MINUTES} to ${MAX_INTERVAL_MINUTES}); "off": never pulled by the schedule ` +
      '("sync now" still pulls it); null: back to the default from SYNC_INTERVAL_MINUTES. Absent: left as it is.',
    oneOf: [
      { type: 'integer', minimum: MIN_INTERVAL_MINUTES, maximum: MAX_INTERVAL_MINUTES },
      { type: 'string', enum: ['off'] },
    ],
    nullable: true,
    required: false,
    example: 30,
  })
  @ValidateIf((_, value) => value !== null && value !== undefined && value !== 'off')
  @IsInt({ message: `interval_minutes must be a whole number of minutes, "off", or null for the default` })
  @Min(MIN_INTERVAL_MINUTES, { message: `interval_minutes must be at least ${MIN_INTERVAL_MINUTES} (or "off")` })
  @Max(MAX_INTERVAL_MINUTES, { message: `interval_minutes must be at most ${MAX_INTERVAL_MINUTES} (a day)` })
  interval_minutes?: number | 'off' | null;
}
