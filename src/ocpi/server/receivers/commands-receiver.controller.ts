import { Controller, HttpCode, HttpStatus, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readCommandType } from '../../../commands/command-input';
import { CommandsService } from '../../../commands/commands.service';
import { adapterFor } from '../../versions/version-registry';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { PushedObject } from './pushed-object.decorator';

/**
 * Our Commands Sender interface (mod_commands 2.2.1 / 2.3.0 §Sender Interface, 2.1.1 §2.2 eMSP Interface): the CPO
 * POSTs the CommandResult (2.1.1: a CommandResponse) to the response_url we gave with the command,
 * …/commands/{command}/{id}. Only the CPO the command was sent to may post it: anyone else, or an id we never issued,
 * gets HTTP 404 with OCPI 2000 (status_codes has no "unknown command"; transport_and_format §Response format: 404 for an
 * unknown URL). A body that is no CommandResult of the version: OCPI 2001 (HTTP 200), the command unchanged.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/commands')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class CommandsReceiverController {
  constructor(private readonly commands: CommandsService) {}

  /** POST {command}/{id}: the CommandResult of command `id`. */
  @Post(':command/:id')
  @HttpCode(200)
  async result(
    @Param('version') version: string,
    @Param('command') command: string,
    @Param('id') id: string,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
  ): Promise<OcpiResponse<never>> {
    const adapter = adapterFor(version);
    if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
    const partner = request.ocpiPartner;
    if (partner.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${partner.status}, not registered`, HttpStatus.OK);
    const type = readCommandType(command);
    const unknown = () => new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown command: we sent no ${command} with id ${id} to you`, HttpStatus.NOT_FOUND);
    if (!type || !/^[0-9a-f-]{36}$/i.test(id)) throw unknown();
    const outcome = await this.commands.receiveResult(partner.id, adapter.version, type, id, body);
    switch (outcome) {
      case 'UNKNOWN':
        throw unknown();
      case 'MALFORMED': {
        const reading = adapter.commands.readResult(body);
        throw OcpiError.invalidParameters(`Invalid CommandResult: ${reading.ok ? 'unreadable' : reading.reason}`);
      }
      case 'RECORDED':
        return ocpiSuccess<never>();
    }
  }
}
