import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Query of GET /api/v1/tokens: keyset paging by (uid case-insensitive, type). */
export class TokenListQueryDto {
  @ApiPropertyOptional({ description: 'At most this many', default: 100, type: 'integer', minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'meta.next_cursor of the previous page; absent for the first page', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
