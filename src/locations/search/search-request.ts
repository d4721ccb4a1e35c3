import { BadRequestException } from '@nestjs/common';
import type { LocationSearchQueryDto } from '../dto/location-search-query.dto';
import type { SearchFiltersDto } from '../dto/search-filters.dto';
import { decodeCursor, LocationSearch, queryFingerprint, SearchArea } from './search-query';
import { boxCentre } from './search-sql';

/**
 * Turns a validated query into a LocationSearch, checking what one field alone cannot: a radius search needs
 * latitude, longitude and radius_m; a box search needs bbox (and either both or neither of latitude/longitude);
 * not both kinds at once; a box with south <= north.
 * @throws BadRequestException with `message` as a list of problems (the same shape as the ValidationPipe's 400s)
 */
export function toLocationSearch(dto: LocationSearchQueryDto, at: Date): LocationSearch {
  const problems: string[] = [];
  const hasPoint = dto.latitude !== undefined && dto.longitude !== undefined;
  if ((dto.latitude === undefined) !== (dto.longitude === undefined)) problems.push('latitude and longitude go together: give both or neither');
  let area: SearchArea | null = null;
  if (dto.bbox !== undefined && dto.radius_m !== undefined) {
    problems.push('give either radius_m (with latitude and longitude) or bbox, not both');
  } else if (dto.bbox !== undefined) {
    const [west, south, east, north] = dto.bbox.split(',').map(Number);
    if (![west, east].every((v) => v >= -180 && v <= 180)) problems.push('bbox: west and east must be longitudes from -180 to 180');
    if (![south, north].every((v) => v >= -90 && v <= 90)) problems.push('bbox: south and north must be latitudes from -90 to 90');
    if (south > north) problems.push('bbox: south must not be greater than north (the order is west,south,east,north)');
    area = { kind: 'bbox', west, south, east, north };
  } else if (dto.radius_m !== undefined) {
    if (!hasPoint) problems.push('radius_m needs latitude and longitude (the centre)');
    else area = { kind: 'radius', centre: { latitude: dto.latitude!, longitude: dto.longitude! }, radiusM: dto.radius_m };
  } else {
    problems.push('say where to search: latitude, longitude and radius_m, or bbox=west,south,east,north');
  }
  if (problems.length > 0 || !area) throw new BadRequestException(problems);
  const origin = area.kind === 'radius' ? area.centre : hasPoint ? { latitude: dto.latitude!, longitude: dto.longitude! } : boxCentre(area);
  return withFilters(area, origin, dto, at);
}

/** GET /api/v1/chargers/nearby: always a radius search, with every EVSE unless evses=false (the answer this older path's clients were built on). */
export function toNearbySearch(dto: SearchFiltersDto & { latitude: number; longitude: number; radius_m: number }, at: Date): LocationSearch {
  const centre = { latitude: dto.latitude, longitude: dto.longitude };
  return withFilters({ kind: 'radius', centre, radiusM: dto.radius_m }, centre, { ...dto, evses: dto.evses ?? true }, at);
}

function withFilters(area: SearchArea, origin: LocationSearch['origin'], dto: SearchFiltersDto, at: Date): LocationSearch {
  const search: LocationSearch = {
    area,
    origin,
    connectorStandards: dto.connector_standard ?? [],
    powerTypes: dto.power_type ?? [],
    minPowerKw: dto.min_power_kw ?? null,
    parties: (dto.party ?? []).map((p) => {
      const [countryCode, partyId] = p.toUpperCase().split('*');
      return { countryCode, partyId };
    }),
    capabilities: dto.capabilities ?? [],
    parkingTypes: dto.parking_type ?? [],
    open247: dto.open_24_7,
    availableNow: dto.available_now,
    limit: dto.limit,
    withEvses: dto.evses ?? false,
    cursor: null,
    lang: dto.lang,
    at,
  };
  if (dto.cursor !== undefined) search.cursor = decodeCursor(dto.cursor, queryFingerprint(search));
  return search;
}
