import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** Query of GET /api/v1/locations/{id}. */
export class LocationDetailQueryDto {
  @ApiPropertyOptional({ description: 'Language of display texts (BCP 47); fallback: exact tag, same primary language, en, first given', default: 'en', example: 'nl' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { message: 'lang must be a language tag such as en, nl or de-CH' })
  lang: string = 'en';
}
