import { Controller, Get, Param, ParseUUIDPipe, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '../../connections/connections.service';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { html } from '../html';
import { layout, sendPage } from '../layout';
import { locationMap, MapLocation } from '../location-map';

/** The most Locations one map draws (the oldest ids first); a larger network says how many were left out. */
export const MAP_MAX_LOCATIONS = 20_000;

/**
 * GET /console/health/{id}/map: the CPO's Locations on a blank SVG, each EVSE a dot coloured by its status (free,
 * charging, out of order, absent, other; see location-map.ts), drawn on the box of its Locations: no tile server, no
 * script. Every Location held is drawn, absent ones too (greyed). 404 for an unknown connection.
 */
@ApiExcludeController()
@Controller('console/health')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class MapPage {
  constructor(
    private readonly connections: ConnectionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get(':id/map')
  async map(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    const connection = await this.connections.get(id);
    const [{ n }] = await this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM location WHERE connection_id = $1`, [id]);
    const locations = await this.db.query<MapLocation[]>(
      `SELECT l.ocpi_id, l.name, l.address, l.latitude, l.longitude, l.absent_since IS NOT NULL AS absent,
              coalesce(json_agg(json_build_object('uid', e.uid, 'status', e.status, 'absent', e.absent_since IS NOT NULL) ORDER BY e.uid)
                FILTER (WHERE e.id IS NOT NULL), '[]') AS evses
       FROM location l LEFT JOIN evse e ON e.location_id = l.id
       WHERE l.connection_id = $1 GROUP BY l.id ORDER BY l.ocpi_id LIMIT $2`,
      [id, MAP_MAX_LOCATIONS],
    );
    const body = html`<div class="actions"><a href="/console/health/${id}">Health of ${connection.name}</a></div>
      <p>
        <span class="location-count">${locations.length}</span> Location(s)
        drawn${n > locations.length ? html`, ${n - locations.length} more not drawn (at most ${MAP_MAX_LOCATIONS})` : ''}.
      </p>
      ${locationMap(locations)}`;
    return sendPage(reply, layout({ title: `Map of ${connection.name}`, path: `/console/health/${id}/map`, body }));
  }
}
