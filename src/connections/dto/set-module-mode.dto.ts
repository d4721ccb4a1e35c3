import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';
import { ModuleMode } from '../cpo-connection.entity';
import { MODULE_MODES } from '../module-modes';

/** Body of PATCH /api/v1/operations/connections/{id}/modules/{module}. */
export class SetModuleModeDto {
  @ApiProperty({
    description:
      "PULL: pulled from the CPO's Sender interface; RECEIVE: taken from its pushes to our Receiver interface; BOTH. null: back to the default " +
      '(BOTH when the CPO lists the Sender interface, else RECEIVE).',
    enum: MODULE_MODES,
    nullable: true,
    example: 'RECEIVE',
  })
  @ValidateIf((_, value) => value !== null)
  @IsIn(MODULE_MODES, { message: `mode must be one of ${MODULE_MODES.join(', ')}, or null for the default` })
  mode: ModuleMode | null;
}
