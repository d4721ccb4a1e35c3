import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ChangedModuleId, NOUN } from '../../../intake/intake-modules';
import { ChangeOutcome } from '../../../intake/intake-outcome';
import { IntakeService } from '../../../intake/intake.service';
import { PushedChange } from '../../../intake/pushed-change';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatusCode } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest } from '../ocpi-auth.guard';
import { GapHealing } from './gap-healing.port';
import { pushSource } from './push-source';

/**
 * A PUT or PATCH to one of our Receiver interfaces (Locations, Tariffs, Sessions), the same for each: the source from the
 * authenticated partner (and its routing), the one intake step (IntakeService.takeChange), a fetch of an object the
 * change names but we do not hold (the GapHealing port), and the answer.
 */
@Injectable()
export class ChangeReceiver {
  private readonly logger = new Logger(ChangeReceiver.name);

  constructor(
    private readonly intake: IntakeService,
    private readonly healing: GapHealing,
  ) {}

  /**
   * Takes `change` of `module` and answers it (see answerChange); for an object we do not hold, schedules its fetch
   * (a failure to schedule is logged: the CPO's answer is the same).
   * @param unknownCode the OCPI status of "not held" for this module (2003 Unknown Location; 2000 for the others)
   * @throws OcpiError as IntakeService.takeChange, and the NOT_HELD answer (HTTP 404)
   */
  async receive(
    version: string,
    request: OcpiAuthenticatedRequest,
    reply: FastifyReply,
    module: ChangedModuleId,
    change: PushedChange,
    unknownCode: OcpiStatusCode,
  ): Promise<OcpiResponse<never>> {
    const source = pushSource(version, request);
    const outcome = await this.intake.takeChange(source, module, change);
    if (outcome.kind === 'NOT_HELD') {
      const { country_code, party_id, id } = change.path;
      await this.healing.requestFetch(source.connectionId, module, { country_code, party_id, id }).catch((error: Error) => {
        this.logger.warn(`Could not schedule the fetch of ${NOUN[module]} ${country_code}/${party_id}/${id}: ${error.message}`);
      });
    }
    return answerChange(outcome, reply, unknownCode);
  }
}

/**
 * The answer to a pushed PUT or PATCH, the same on every receiver (status_codes 2.2.1 §1xxx: "HTTP 201 when the object
 * is newly created, HTTP 200 when it already existed and is updated"):
 * STORED → 201 (created) or 200 with 1000; STALE → 200 with 1000 and a message saying nothing changed (the CPO's copy is
 * older than ours: not an error it could fix); NOT_HELD → HTTP 404 with `unknownCode` (the object is unknown to us).
 */
function answerChange(outcome: ChangeOutcome, reply: FastifyReply, unknownCode: OcpiStatusCode): OcpiResponse<never> {
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
