import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { notOneOf, toList } from '../../locations/dto/query-transforms';
import { SESSION_STATUSES, SessionStatus } from '../session.model';

/** Query of GET /api/v1/sessions: one token (uid or contract id), optionally some statuses, at most `limit`. */
export class SessionListQueryDto {
  @ApiPropertyOptional({ description: "CdrToken.uid (OCPI 2.2.1+) of the driver's token; give this or contract_id", example: '123abc', minLength: 1, maxLength: 36 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(36)
  token_uid?: string;

  @ApiPropertyOptional({
    description: 'The contract id: CdrToken.contract_id (2.2.1+) or the 2.1.1 auth_id; give this or token_uid',
    example: 'NL-TST-C12345678-S',
    minLength: 1,
    maxLength: 36,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(36)
  contract_id?: string;

  @ApiPropertyOptional({ description: 'Only sessions with these statuses (comma-separated or repeated)', enum: SESSION_STATUSES, isArray: true, example: 'ACTIVE,PENDING' })
  @IsOptional()
  @Transform(toList)
  @IsIn(SESSION_STATUSES, { each: true, message: notOneOf(SESSION_STATUSES, 'a session status') })
  status?: SessionStatus[];

  @ApiPropertyOptional({ description: 'At most this many, newest start first', default: 10, type: 'integer', minimum: 1, maximum: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 10;
}
