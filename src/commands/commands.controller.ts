import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { BadRequestException } from '@nestjs/common';
import { InternalApiKeyGuard } from '../common/auth/api-key.guard';
import { readCommandType } from './command-input';
import { COMMAND_TYPES } from '../ocpi/adapter/command-wire';
import { CommandsService, CommandView } from './commands.service';

const FIELDS =
  'connection_id (the CPO connection) and, per command: START_SESSION token { type, uid }, location_id, evse_uid?, connector_id?; ' +
  'STOP_SESSION session_id; RESERVE_NOW token, expiry_date, reservation_id, location_id, evse_uid?; CANCEL_RESERVATION reservation_id; ' +
  'UNLOCK_CONNECTOR location_id, evse_uid, connector_id. Ids 1–36 printable ASCII.';

/**
 * Internal API for the mobile-app backend: commands to a CPO's Charge Points (mod_commands). The answer carries the
 * CPO's immediate CommandResponse; the app polls GET /api/v1/commands/{id} for the result and the Session.
 */
@ApiTags('commands')
@ApiHeader({ name: 'X-API-Key', description: 'INTERNAL_API_KEY', required: true })
@ApiUnauthorizedResponse({ description: 'Missing or wrong X-API-Key' })
@Controller('api/v1/commands')
@UseGuards(InternalApiKeyGuard)
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  /**
   * POST /api/v1/commands/{command}: sends it to the CPO and answers 201 with the command, state one of SENDING,
   * NOT_SENT (error says why), AWAITING_RESULT, REJECTED, NOT_SUPPORTED, UNKNOWN_SESSION. 400 naming each bad field;
   * 404 unknown connection; 409 connection not registered or its CPO has no Commands Receiver; 422 the version cannot
   * carry it (2.1.1: no CANCEL_RESERVATION, int reservation_id) or the Token may not charge.
   */
  @Post(':command')
  @HttpCode(201)
  @ApiOperation({ summary: 'Send a command to a CPO', description: FIELDS })
  @ApiBody({ schema: { type: 'object', example: { connection_id: '6f1c…', token: { type: 'APP_USER', uid: 'APP-1' }, location_id: 'LOC1', evse_uid: 'EVSE1' } } })
  @ApiOkResponse({ description: 'The command with the CPO’s immediate answer' })
  @ApiBadRequestResponse({ description: '{ statusCode: 400, message: ["location_id is required", …] }' })
  @ApiNotFoundResponse({ description: 'No such connection' })
  @ApiConflictResponse({ description: 'Not registered, or no Commands Receiver' })
  @ApiUnprocessableEntityResponse({ description: 'Not in this OCPI version, or the Token may not charge' })
  issue(@Param('command') command: string, @Body() body: unknown): Promise<CommandView> {
    const type = readCommandType(command);
    if (!type) throw new BadRequestException(`command must be one of ${COMMAND_TYPES.join(', ')}`);
    return this.commands.issue(type, body);
  }

  /**
   * GET /api/v1/commands/{id}: its state (AWAITING_RESULT, a CommandResultType, TIMEOUT, STARTED_LATE, …), the
   * response, the result, and the linked Session ({ id, session_id, status }) once we hold it. 404 when unknown.
   */
  @Get(':id')
  @ApiOperation({ summary: 'A command and where it stands' })
  @ApiNotFoundResponse({ description: 'No such command' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CommandView> {
    return this.commands.get(id);
  }
}
