import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of POST /api/v1/operations/connections/invitations (CPO-initiated registration). */
export class InviteConnectionDto {
  @ApiProperty({ description: 'Label for operations, e.g. "Allego NL"', example: 'New CPO', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ description: 'Days token A stays valid if the CPO does not register (1 to 90)', default: 7, type: 'integer', minimum: 1, maximum: 90 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  valid_days?: number;
}
