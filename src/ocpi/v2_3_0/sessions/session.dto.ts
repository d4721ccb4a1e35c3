// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { SessionCommonDto } from '../../v2_2_1/sessions/session.dto';
import { PriceDto230 } from '../cdrs/cdr.dto';

/** OCPI 2.3.0 Session on the wire (mod_sessions 2.3.0 §Session object): the 2.2.1 object with total_cost as the 2.3.0 Price class. */
export class SessionDto230 extends SessionCommonDto {
  @IsOptional() @ValidateNested() @Type(() => PriceDto230) total_cost?: PriceDto230;
}
