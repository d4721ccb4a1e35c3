import { connectorKind } from '../../src/locations/search/index/indexed-location';
import type { IndexedConnector } from '../../src/locations/search/index/packed-evses';

/**
 * A search index connector for unit specs: 22 kW AC_3_PHASE Type 2 socket at 230 V, its kind the shared ConnectorKind,
 * `tariffIds` used as its tariff keys too (the very list given, so a spec can check it is shared, not copied).
 */
export function type2Connector(id: string, tariffIds: string[] = []): IndexedConnector {
  const kind = connectorKind('IEC_62196_T2', 'SOCKET', 'AC_3_PHASE', 22);
  return {
    id,
    ocpiId: '1',
    standard: kind.standard,
    format: kind.format,
    powerType: kind.powerType,
    maxPowerKw: 22,
    maxVoltage: 230,
    source: 'computed',
    tariffIds,
    tariffKeys: tariffIds,
    kind,
  };
}
