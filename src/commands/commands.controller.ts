import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BadRequestException } from '@nestjs/common';
import { readCommandType } from './command-input';
import { COMMAND_TYPES } from '../ocpi/adapter/command-wire';
import { CommandsService, CommandView } from './commands.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

const FIELDS =
  'connection_id (the CPO connection) and, per command: START_SESSION token { type, uid }, location_id, evse_uid?, connector_id?; ' +
  'STOP_SESSION session_id; RESERVE_NOW token, expiry_date, reservation_id, location_id, evse_uid?; CANCEL_RESERVATION reservation_id; ' +
  'UNLOCK_CONNECTOR location_id, evse_uid, connector_id. Ids 1–36 printable ASCII.';

/**
 * Internal API for the mobile-app backend: commands to a CPO's Charge Points (mod_commands). The answer carries the
 * CPO's immediate CommandResponse; the app polls GET /api/v1/commands/{id} for the result and the Session.
 */
@InternalApi('commands', 'INTERNAL')
@Controller('api/v1/commands')
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
  @ApiErrors({
    400: 'An unknown command, or each bad field named, e.g. message: ["location_id is required", …]',
    404: 'No such connection',
    409: 'Not registered, or no Commands Receiver',
    422: 'Not in this OCPI version, or the Token may not charge',
  })
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
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such command' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CommandView> {
    return this.commands.get(id);
  }
}
