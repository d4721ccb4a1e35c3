import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';
import { CHARGE_STORY_KEYS, ChargeStoryAnswer, ChargeStoryKey, STORY_EVENT_KINDS } from './charge-story.model';
import { ChargeStoryService, MAX_CHARGES, MAX_SESSION_UPDATES } from './charge-story.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Operations API: a charge's whole story, from any of its keys. */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/charge-story')
export class ChargeStoryController {
  constructor(private readonly stories: ChargeStoryService) {}

  /**
   * GET ?session_id=|cdr_id=|token_uid=|authorization_reference= (exactly one)[&connection_id=]: the charge the key
   * names. `key` echoes the request; `charges` lists the charges matched (most recent first, at most 50, `more` when
   * there were more), each with its identifiers (connection, CPO, party, session id, CDR ids, token uid, authorization
   * references, command ids) and `href`, its own story; `story`, when exactly one matched: `charge` (those
   * identifiers, links followed) and `events` ordered by time, each { at (ISO-8601 UTC), kind, source (PULLED,
   * PUSHED, OURS, IMPORTED), summary, record { table, id }, raw } (see charge-story.model.ts for each kind's raw).
   * 400 naming the parameter: none or several keys, an empty one, a connection_id that is no UUID, an unknown
   * parameter. 404 when nothing held matches. 401 without the operations key.
   */
  @Get()
  @ApiOperation({ summary: "A charge's whole story (commands, authorizations, Session updates, CDRs and their pricing, invoice lines) from one of its keys" })
  @ApiQuery({ name: 'session_id', required: false, schema: { type: 'string', minLength: 1, maxLength: 39 }, description: 'The Session id (OCPI) the CPO gave' })
  @ApiQuery({ name: 'cdr_id', required: false, schema: { type: 'string', minLength: 1, maxLength: 39 }, description: 'A CDR id (OCPI) of the charge' })
  @ApiQuery({
    name: 'token_uid',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 39 },
    description: `The Token's uid (case-insensitive); several charges are listed, most recent first, at most ${MAX_CHARGES}`,
  })
  @ApiQuery({
    name: 'authorization_reference',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 39 },
    description: 'The authorization_reference of a START_SESSION, an authorization, the Session or CDR (2.2+)',
  })
  @ApiQuery({
    name: 'connection_id',
    required: false,
    schema: { type: 'string', format: 'uuid' },
    description: 'Only charges of this CPO connection (the same session id at two CPOs are two charges)',
  })
  @ApiOkResponse({
    description: `{ key, charges[], more, story: { charge, events[], session_updates_omitted } | null }; event kinds: ${STORY_EVENT_KINDS.join(', ')}; at most ${MAX_SESSION_UPDATES} Session updates (the latest)`,
  })
  @ApiErrors({
    400: 'None or several keys, an empty one or one over 39 characters, a connection_id that is no UUID, an unknown parameter: named',
    404: 'No charge held matches the key',
  })
  story(@Query() query: Record<string, unknown>): Promise<ChargeStoryAnswer> {
    const unknown = Object.keys(query).filter((k) => k !== 'connection_id' && !(CHARGE_STORY_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) throw new BadRequestException(`unknown parameter ${unknown.join(', ')}: give one of ${CHARGE_STORY_KEYS.join(', ')} (and connection_id)`);
    const given = CHARGE_STORY_KEYS.filter((k) => query[k] !== undefined);
    if (given.length !== 1) {
      throw new BadRequestException(
        given.length === 0 ? `one of ${CHARGE_STORY_KEYS.join(', ')} is required` : `give exactly one of ${CHARGE_STORY_KEYS.join(', ')}, not ${given.join(' and ')}`,
      );
    }
    const key: ChargeStoryKey = given[0];
    const value = query[key];
    if (typeof value !== 'string' || value.trim() === '') throw new BadRequestException(`${key} must be given once, not empty`);
    if (value.length > 39) throw new BadRequestException(`${key} must be at most 39 characters (OCPI ids are CiString(36), CDR ids 39)`);
    const connectionId = query.connection_id;
    if (connectionId !== undefined && (typeof connectionId !== 'string' || !UUID.test(connectionId))) {
      throw new BadRequestException('connection_id must be the id (UUID) of a CPO connection');
    }
    return this.stories.find(key, value, connectionId ?? null);
  }
}
