import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The JSON body of every error answer of the internal, operations and finance APIs: what Nest's HttpException answers
 * through our global filter (src/ocpi/server/protocol-exception.filter.ts keeps Nest's own answer outside /ocpi/),
 * and the 503 of a database outage. Described for the OpenAPI document; never built by hand.
 */
export class ApiErrorBody {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 404, minimum: 400, maximum: 599 })
  statusCode: number;

  @ApiProperty({
    description:
      'The HTTP reason phrase ("Bad Request", "Not Found", "Conflict", …), or a closed code where the endpoint names one (e.g. RegistrationFailure, NOT_REGISTERED, PULLS_PAUSED)',
    example: 'Not Found',
  })
  error: string;

  @ApiProperty({
    description: 'What went wrong, in plain words; for invalid input a list with one entry per problem, each naming its parameter or field',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No CPO connection 6f1c0f6e-4c1a-4b8e-9a55-0d1e7f0e2b11',
  })
  message: string | string[];
}

/**
 * An error of an action on a CPO connection (register, rotate, rediscover, unregister, sync now): `error` is a closed
 * code, `connection_id` the connection it concerns (null when none was created).
 */
export class ConnectionErrorBody extends ApiErrorBody {
  @ApiPropertyOptional({ description: 'The CPO connection (uuid), or null', format: 'uuid', nullable: true })
  connection_id: string | null;
}
