import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** Query of GET /api/v1/connectors/{id}/price-estimate. Decimal strings so no float creeps in. */
export class PriceEstimateQueryDto {
  @ApiProperty({ description: 'Energy to charge, kWh (decimal)', example: '20' })
  @Matches(/^\d{1,4}(\.\d{1,4})?$/, { message: 'energy_kwh must be a non-negative decimal number of kWh, e.g. 20 or 7.5' })
  energy_kwh: string;

  @ApiProperty({ description: 'Duration of the charge, minutes (decimal)', example: '45' })
  @Matches(/^\d{1,5}(\.\d{1,2})?$/, { message: 'duration_minutes must be a non-negative decimal number of minutes, e.g. 45' })
  duration_minutes: string;
}
