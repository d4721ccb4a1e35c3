import { Controller, Get, HttpStatus, Param, Patch, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { partyFilter } from '../../../intake/own-parties';
import { isJsonObject, ObjectPath } from '../../../intake/pushed-change';
import { LocationStore } from '../../../locations/location.store';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { ChangeReceiver } from './change-receiver';
import { pushSource } from './push-source';
import { PushedObject } from './pushed-object.decorator';

/** The three levels of the Receiver interface's URL (mod_locations 2.2.1 §Receiver Interface, endpoint structure). */
const PATHS = [':country_code/:party_id/:location_id', ':country_code/:party_id/:location_id/:evse_uid', ':country_code/:party_id/:location_id/:evse_uid/:connector_id'];

interface PathParams {
  country_code: string;
  party_id: string;
  location_id: string;
  evse_uid?: string;
  connector_id?: string;
}

/**
 * Our Locations Receiver interface, one per version (mod_locations 2.2.1 §Receiver Interface; 2.1.1 §3.2 eMSP
 * Interface; 2.3.0 §Receiver Interface): `{locations}/{country_code}/{party_id}/{location_id}[/{evse_uid}][/{connector_id}]`
 * with GET, PUT and PATCH at each level (POST and DELETE are n/a: an EVSE is removed by its status REMOVED).
 * Every change is made into the whole Location and takes the one intake step (IntakeService.takeChange): ownership from
 * the URL (the party must be one of the calling connection's, the body must agree with the URL), older changes never
 * overwrite newer ones, EVSE and Connector changes move the Location's last_updated. Authenticated by the CPO's
 * credentials token, in either Authorization form.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/locations')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class LocationsReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly locations: LocationStore,
    private readonly changes: ChangeReceiver,
  ) {}

  /**
   * GET: the Location, EVSE or Connector as we hold it from this CPO (§GET Method), in the CPO's own wire form.
   * @throws OcpiError 2003 Unknown Location in HTTP 404 for one we do not hold from this connection, or of another party.
   */
  @Get(PATHS)
  async get(@Param('version') version: string, @Param() params: PathParams, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<unknown>> {
    const source = pushSource(version, request);
    const path = objectPath(params);
    const unknown = () => new OcpiError(OcpiStatus.UNKNOWN_LOCATION, `Unknown ${describe(path)}`, HttpStatus.NOT_FOUND);
    if (!partyFilter(source.parties)(path.country_code, path.party_id)) throw unknown();
    const location = await this.locations.rawHeldBy(this.db, source.connectionId, path);
    const found = pick(location, path);
    if (found === undefined) throw unknown();
    return ocpiSuccess(found);
  }

  /**
   * PUT: a new or replacing Location, EVSE or Connector (§PUT Method). HTTP 201 when we held no such Location before,
   * 200 otherwise (also when ours is newer: then nothing changes, said in status_message). An EVSE or Connector for a
   * Location we do not hold: 2003 in HTTP 404, and the Location is fetched from the CPO's Sender interface.
   * @throws OcpiError 2001 naming the field: invalid object, URL and body disagree, another party's.
   */
  @Put(PATHS)
  put(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.changes.receive(version, request, reply, 'locations', { method: 'PUT', path: objectPath(params), body }, OcpiStatus.UNKNOWN_LOCATION);
  }

  /**
   * PATCH: the fields of a Location, EVSE or Connector that change, with last_updated (§PATCH Method). 200 when applied
   * (or older than ours: then nothing changes). For an object we do not hold: 2003 in HTTP 404, nothing stored, and the
   * Location is fetched from the CPO's Sender interface.
   * @throws OcpiError 2001: no last_updated, an invalid result, URL and body disagree, another party's.
   */
  @Patch(PATHS)
  patch(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.changes.receive(version, request, reply, 'locations', { method: 'PATCH', path: objectPath(params), body }, OcpiStatus.UNKNOWN_LOCATION);
  }
}

function objectPath(params: PathParams): ObjectPath {
  return {
    country_code: params.country_code,
    party_id: params.party_id,
    id: params.location_id,
    ...(params.evse_uid !== undefined ? { evse_uid: params.evse_uid } : {}),
    ...(params.connector_id !== undefined ? { connector_id: params.connector_id } : {}),
  };
}

function describe(path: ObjectPath): string {
  const what = path.connector_id !== undefined ? 'Connector' : path.evse_uid !== undefined ? 'EVSE' : 'Location';
  return `${what} ${[path.country_code, path.party_id, path.id, path.evse_uid, path.connector_id].filter((p) => p !== undefined).join('/')}`;
}

/** The Location, or its EVSE, or that EVSE's Connector, that `path` names, out of a raw Location; undefined if none. */
function pick(location: unknown, path: ObjectPath): unknown {
  if (!isJsonObject(location)) return undefined;
  if (path.evse_uid === undefined) return location;
  const evse = (Array.isArray(location.evses) ? location.evses : []).find((e) => isJsonObject(e) && e.uid === path.evse_uid) as unknown;
  if (path.connector_id === undefined || !isJsonObject(evse)) return evse;
  return (Array.isArray(evse.connectors) ? evse.connectors : []).find((c) => isJsonObject(c) && c.id === path.connector_id) as unknown;
}
