import { HttpStatus } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ChangeOutcome } from '../../../intake/intake-outcome';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatusCode } from '../../wire/ocpi-status';

/**
 * The answer to a pushed PUT or PATCH, the same on every receiver (status_codes 2.2.1 §1xxx: "HTTP 201 when the object
 * is newly created, HTTP 200 when it already existed and is updated"):
 * STORED → 201 (created) or 200 with 1000; STALE → 200 with 1000 and a message saying nothing changed (the CPO's copy is
 * older than ours: not an error it could fix); NOT_HELD → HTTP 404 with `unknownCode` (the object is unknown to us).
 */
export function answerChange(outcome: ChangeOutcome, reply: FastifyReply, unknownCode: OcpiStatusCode): OcpiResponse<never> {
  switch (outcome.kind) {
    case 'STORED': {
      const stored = ocpiStored(outcome.created ? 'CREATED' : 'UPDATED');
      reply.status(stored.httpStatus);
      return stored.body;
    }
    case 'STALE':
      return ocpiSuccess<never>(undefined, `Not applied: we hold a newer version (last_updated ${outcome.heldLastUpdated})`);
    case 'NOT_HELD':
      throw new OcpiError(unknownCode, outcome.reason, HttpStatus.NOT_FOUND);
  }
}
