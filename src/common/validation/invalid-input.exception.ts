import { BadRequestException } from '@nestjs/common';

/**
 * Input that was read (valid JSON, a known route) but whose content we refuse, as opposed to input we could not read
 * at all. The internal APIs answer both with HTTP 400; our OCPI endpoints answer this one inside HTTP 200 with OCPI
 * 2001, since such a request "has reached the OCPI layer" (status_codes 2.2.1 §Status codes).
 */
export class InvalidInputException extends BadRequestException {}
