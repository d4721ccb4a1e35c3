import { Controller, Delete, Get, HttpStatus, Param, Patch, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { partyFilter } from '../../../intake/own-parties';
import { ObjectPath } from '../../../intake/pushed-change';
import { SearchIndexService } from '../../../locations/search/index/search-index.service';
import { TariffStore } from '../../../tariffs/tariff.store';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { ChangeReceiver } from './change-receiver';
import { pushSource } from './push-source';
import { PushedObject } from './pushed-object.decorator';

const PATH = ':country_code/:party_id/:tariff_id';

interface PathParams {
  country_code: string;
  party_id: string;
  tariff_id: string;
}

/**
 * Our Tariffs Receiver interface, one per version (mod_tariffs 2.2.1 / 2.3.0 §Receiver Interface; 2.1.1 §2.2 eMSP
 * Interface): `{tariffs}/{country_code}/{party_id}/{tariff_id}` with GET, PUT and DELETE, and PATCH in 2.1.1 only (2.2.1
 * and 2.3.0 say "PATCH n/a": HTTP 405 there). PUT and PATCH take the one intake step (IntakeService.takeChange): the
 * party in the URL must be one of the connection's, the body must agree with the URL, older changes change nothing.
 * A DELETE never removes data: the Tariff is marked deleted (TariffStore.markDeleted). OCPI has no "unknown Tariff"
 * code: an unknown one is 2000 in HTTP 404, as for an unknown CDR. Authenticated by the CPO's credentials token, in
 * either Authorization form.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/tariffs')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class TariffsReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tariffs: TariffStore,
    private readonly searchIndex: SearchIndexService,
    private readonly changes: ChangeReceiver,
  ) {}

  /**
   * GET: the Tariff as we hold it from this CPO, in its own wire form (§GET Method).
   * @throws OcpiError 2000 in HTTP 404 for one we do not hold from this connection, a deleted one, or another party's.
   */
  @Get(PATH)
  async get(@Param('version') version: string, @Param() params: PathParams, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<unknown>> {
    const source = pushSource(version, request);
    const path = objectPath(params);
    const found = partyFilter(source.parties)(path.country_code, path.party_id) ? await this.tariffs.rawHeldBy(this.db, source.connectionId, path) : null;
    if (found === null) throw unknownTariff(path);
    return ocpiSuccess(found);
  }

  /**
   * PUT: a new or replacing Tariff (§PUT Method). HTTP 201 when we held none under that id (or only a deleted one:
   * it is back in use), 200 otherwise (also when ours is newer: then nothing changes, said in status_message).
   * @throws OcpiError 2001 naming the field: invalid Tariff, URL and body disagree, another party's.
   */
  @Put(PATH)
  put(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    return this.changes.receive(version, request, reply, 'tariffs', { method: 'PUT', path: objectPath(params), body }, OcpiStatus.CLIENT_ERROR);
  }

  /**
   * PATCH (2.1.1 §2.2.3 only): the fields of a Tariff that change, with last_updated; a list sent (elements) replaces
   * ours. 200 when applied (or older than ours). For a Tariff we do not hold: 2000 in HTTP 404, nothing stored, and the
   * Tariff is fetched from the CPO's Sender interface.
   * @throws OcpiError HTTP 405 (2000) on 2.2.1 and 2.3.0, which have no PATCH; 2001 as for PUT, or without last_updated.
   */
  @Patch(PATH)
  patch(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    const { adapter } = pushSource(version, request);
    if (!adapter.tariffsReceiverPatch) {
      throw OcpiError.methodNotAllowed(`PATCH is not part of the ${adapter.version} Tariffs Receiver interface (mod_tariffs §Receiver Interface): PUT the whole Tariff`);
    }
    return this.changes.receive(version, request, reply, 'tariffs', { method: 'PATCH', path: objectPath(params), body }, OcpiStatus.CLIENT_ERROR);
  }

  /**
   * DELETE: the Tariff "is no longer in use and will not be used in future" (§DELETE Method). It is marked deleted, not
   * removed: GET answers 404 for it, the price estimate and the list-view price line leave it out from now on, CDRs and
   * sessions that started before keep being priced with it; a later PUT brings it back. 200 (also when already deleted:
   * a repeated DELETE changes nothing, said in status_message).
   * @throws OcpiError 2000 in HTTP 404 for a Tariff we do not hold from this connection; 2001 for another party's.
   */
  @Delete(PATH)
  async delete(@Param('version') version: string, @Param() params: PathParams, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<never>> {
    const source = pushSource(version, request);
    const path = objectPath(params);
    if (!partyFilter(source.parties)(path.country_code, path.party_id)) {
      const own = source.parties.map((p) => `${p.countryCode}*${p.partyId}`).join(', ');
      throw OcpiError.invalidParameters(
        `Tariff ${path.id} belongs to party ${path.country_code}*${path.party_id}, which is not a party of this connection (${own}): a CPO may only delete its own Tariffs`,
      );
    }
    const outcome = await this.db.transaction((m) => this.tariffs.markDeleted(m, source.connectionId, path));
    switch (outcome.kind) {
      case 'NOT_HELD':
        throw unknownTariff(path);
      case 'ALREADY_DELETED':
        return ocpiSuccess<never>(undefined, `Already deleted at ${outcome.deletedAt}: nothing changed`);
      case 'DELETED':
        // This instance's next search and estimate catch up first (others within a poll interval).
        this.searchIndex.markDirty();
        return ocpiSuccess<never>(undefined);
    }
  }
}

function objectPath(params: PathParams): ObjectPath {
  return { country_code: params.country_code, party_id: params.party_id, id: params.tariff_id };
}

function unknownTariff(path: ObjectPath): OcpiError {
  return new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown Tariff ${path.country_code}/${path.party_id}/${path.id}`, HttpStatus.NOT_FOUND);
}
