import { mapCdr211 } from './cdrs/cdr.mapper';
import { TRANSPORT_RULES_2_1 } from '../wire/transport-rules';
import { OcpiEndpoint, OcpiVersionAdapter, ReceiverModule, SenderModule } from '../adapter/ocpi-version-adapter';
import { parseCredentials211, serialiseCredentials211 } from './credentials/credentials.mapper';
import { mapLocation211 } from './locations/location.mapper';
import { mapSession211 } from './sessions/session.mapper';
import { mapTariff211 } from './tariffs/tariff.mapper';
import { readLocationReferences211, serialiseAuthorization211, serialiseToken211 } from './tokens/token.mapper';
import { readCommandResponse211, readCommandResult211, refuseCommand211, serialiseCommand211 } from './commands/command.mapper';
import { OcpiStatus } from '../wire/ocpi-status';
import { parseVersionDetails211 } from './versions/version-details.mapper';

/**
 * OCPI 2.1.1: the token travels as is (transport_and_format 2.1.1 §Security and authentication), endpoints
 * have no role, credentials carry one flat party, Locations belong to the connection's party.
 */
export const ocpi211Adapter: OcpiVersionAdapter = {
  version: '2.1.1',
  tokenEncoding: 'plain',
  transport: TRANSPORT_RULES_2_1,
  patchRequiresLastUpdated: false,
  parseEndpoints: parseVersionDetails211,
  senderUrl(endpoints: OcpiEndpoint[], module: SenderModule): string | null {
    // 2.1.1 has no Hubs (no hubclientinfo module) and no interface roles: a CPO's module endpoint is its CPO (sender) interface.
    if (module === 'hubclientinfo' || module === 'invoicereconciliation') return null;
    return endpoints.find((e) => e.identifier === module)?.url ?? null;
  },
  receiverUrl(endpoints: OcpiEndpoint[], module: ReceiverModule): string | null {
    // A 2.1.1 CPO's commands and tokens endpoints are its CPO interfaces: where we send commands and push Tokens.
    return endpoints.find((e) => e.identifier === module)?.url ?? null;
  },
  commands: {
    // mod_commands 2.1.1 §4.2 CommandType: no CANCEL_RESERVATION.
    types: ['RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'],
    refuse: refuseCommand211,
    serialise: (request, responseUrl) => serialiseCommand211(request, responseUrl),
    readResponse: readCommandResponse211,
    readResult: readCommandResult211,
  },
  hubClientInfo: null,
  serialiseCredentials: serialiseCredentials211,
  parseCredentials: parseCredentials211,
  ourEndpoints(baseUrl: string) {
    // mod_cdrs 2.1.1 §2.2 eMSP Interface: where CPOs POST their CDRs.
    return [
      { identifier: 'credentials', url: `${baseUrl}/credentials` },
      { identifier: 'cdrs', url: `${baseUrl}/cdrs` },
      { identifier: 'locations', url: `${baseUrl}/locations` },
      // mod_sessions 2.1.1 §2.2 and mod_tariffs 2.1.1 §2.2 eMSP Interface.
      { identifier: 'sessions', url: `${baseUrl}/sessions` },
      { identifier: 'tariffs', url: `${baseUrl}/tariffs` },
      // mod_tokens 2.1.1 §2.2 eMSP Interface: CPOs GET our Tokens and POST real-time authorizations.
      { identifier: 'tokens', url: `${baseUrl}/tokens` },
      // mod_commands 2.1.1 §2.2 eMSP Interface: where CPOs post the asynchronous results.
      { identifier: 'commands', url: `${baseUrl}/commands` },
    ];
  },
  tariffsReceiverPatch: true,
  mapLocation: mapLocation211,
  // 2.1.1 Tariffs name no owner: the connection's single party owns them.
  mapTariff: (raw, context) => mapTariff211(raw, context.owner ?? undefined),
  // 2.1.1 CDRs name no owner either.
  mapCdr: (raw, context) => mapCdr211(raw, context.owner ?? undefined),
  // 2.1.1 Sessions name no owner either.
  mapSession: (raw, context) => mapSession211(raw, context.owner ?? undefined),
  tokens: {
    // mod_tokens 2.1.1 §4.3 TokenType: OTHER and RFID only; our app users are not served in 2.1.1.
    types: ['OTHER', 'RFID'],
    serialiseToken: (token) => serialiseToken211(token),
    serialiseAuthorization: (info) => serialiseAuthorization211(info),
    readLocationReferences: readLocationReferences211,
    unknownTokenStatus: OcpiStatus.CLIENT_ERROR,
    authorizationReference: false,
    // mod_tokens 2.1.1 §2.1 CPO Interface: /tokens/{country_code}/{party_id}/{token_uid}, no type.
    pushUrl: (tokensUrl, owner, token) =>
      `${tokensUrl.replace(/\/$/, '')}/${encodeURIComponent(owner.country_code)}/${encodeURIComponent(owner.party_id)}/${encodeURIComponent(token.uid)}`,
  },
};
