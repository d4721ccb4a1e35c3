import { mapCdr221 } from './cdrs/cdr.mapper';
import { TRANSPORT_RULES_2_2 } from '../wire/transport-rules';
import { Credentials, OcpiEndpoint, OcpiVersionAdapter, ReceiverModule, SenderModule } from '../adapter/ocpi-version-adapter';
import { parseCredentials221, serialiseCredentials221 } from './credentials/credentials.mapper';
import { mapClientInfo221, serialiseClientInfo221 } from './hubclientinfo/client-info.mapper';
import { mapLocation221 } from './locations/location.mapper';
import { mapSession221 } from './sessions/session.mapper';
import { mapTariff221 } from './tariffs/tariff.mapper';
import { readLocationReferences221, serialiseAuthorization221, serialiseToken221 } from './tokens/token.mapper';
import { readCommandResponse221, readCommandResult221, serialiseCommand221 } from './commands/command.mapper';
import { OcpiStatus } from '../wire/ocpi-status';
import { parseVersionDetails221 } from './versions/version-details.mapper';

/** OCPI 2.2.1: Base64 tokens, roles on credentials and endpoints, owners on every object. */
export const ocpi221Adapter: OcpiVersionAdapter = {
  version: '2.2.1',
  tokenEncoding: 'base64',
  transport: TRANSPORT_RULES_2_2,
  patchRequiresLastUpdated: true,
  parseEndpoints: parseVersionDetails221,
  senderUrl(endpoints: OcpiEndpoint[], module: SenderModule): string | null {
    return endpoints.find((e) => e.identifier === module && e.role === 'SENDER')?.url ?? null;
  },
  receiverUrl(endpoints: OcpiEndpoint[], module: ReceiverModule): string | null {
    return endpoints.find((e) => e.identifier === module && e.role === 'RECEIVER')?.url ?? null;
  },
  commands: {
    // mod_commands 2.2.1 §CommandType.
    types: ['CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'],
    refuse: () => null,
    serialise: serialiseCommand221,
    readResponse: readCommandResponse221,
    readResult: readCommandResult221,
  },
  serialiseCredentials: (credentials: Credentials) => serialiseCredentials221(credentials),
  parseCredentials: parseCredentials221,
  hubClientInfo: { map: mapClientInfo221, serialise: serialiseClientInfo221 },
  ourEndpoints(baseUrl: string) {
    // version_information_endpoint 2.2.1 §Endpoint: "SENDER" is advised for one's own credentials endpoint.
    return [
      { identifier: 'credentials', role: 'SENDER', url: `${baseUrl}/credentials` },
      { identifier: 'cdrs', role: 'RECEIVER', url: `${baseUrl}/cdrs` },
      { identifier: 'locations', role: 'RECEIVER', url: `${baseUrl}/locations` },
      { identifier: 'sessions', role: 'RECEIVER', url: `${baseUrl}/sessions` },
      { identifier: 'tariffs', role: 'RECEIVER', url: `${baseUrl}/tariffs` },
      // mod_hub_client_info §Receiver Interface: where a Hub pushes the ClientInfo of the parties behind it.
      { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${baseUrl}/hubclientinfo` },
      // mod_tokens 2.2.1 §Sender Interface: CPOs GET our Tokens and POST real-time authorizations.
      { identifier: 'tokens', role: 'SENDER', url: `${baseUrl}/tokens` },
      // mod_commands 2.2.1 §Sender Interface: where CPOs post CommandResults (the response_url we send is below it).
      { identifier: 'commands', role: 'SENDER', url: `${baseUrl}/commands` },
    ];
  },
  tariffsReceiverPatch: false,
  // 2.2.1 objects carry their own country_code and party_id: the context is not needed.
  mapLocation: (raw: unknown) => mapLocation221(raw),
  mapTariff: (raw: unknown) => mapTariff221(raw),
  mapCdr: (raw: unknown) => mapCdr221(raw),
  mapSession: (raw: unknown) => mapSession221(raw),
  tokens: {
    // mod_tokens 2.2.1 §TokenType.
    types: ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'],
    serialiseToken: serialiseToken221,
    serialiseAuthorization: serialiseAuthorization221,
    readLocationReferences: readLocationReferences221,
    unknownTokenStatus: OcpiStatus.UNKNOWN_TOKEN,
    authorizationReference: true,
    pushUrl: (tokensUrl, owner, token) =>
      `${tokensUrl.replace(/\/$/, '')}/${encodeURIComponent(owner.country_code)}/${encodeURIComponent(owner.party_id)}/${encodeURIComponent(token.uid)}?type=${token.type}`,
  },
};
