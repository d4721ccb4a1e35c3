import { mapCdr230 } from './cdrs/cdr.mapper';
import { TRANSPORT_RULES_2_2 } from '../wire/transport-rules';
import { serialiseCredentials221 } from '../v2_2_1/credentials/credentials.mapper';
import { mapClientInfo221, serialiseClientInfo221 } from '../v2_2_1/hubclientinfo/client-info.mapper';
import { parseVersionDetails221 } from '../v2_2_1/versions/version-details.mapper';
import { readLocationReferences221, serialiseAuthorization221, serialiseToken221 } from '../v2_2_1/tokens/token.mapper';
import { readCommandResponse221, readCommandResult221, serialiseCommand221 } from '../v2_2_1/commands/command.mapper';
import { OcpiStatus } from '../wire/ocpi-status';
import { OcpiEndpoint, OcpiVersionAdapter, ReceiverModule, SenderModule } from '../adapter/ocpi-version-adapter';
import { parseCredentials230 } from './credentials/credentials.mapper';
import { mapLocation230 } from './locations/location.mapper';
import { mapSession230 } from './sessions/session.mapper';
import { mapTariff230 } from './tariffs/tariff.mapper';

/**
 * OCPI 2.3.0: transport, version details and credentials as in 2.2.1 (Base64 tokens, roles), plus
 * `hub_party_id` in credentials and the 2.3.0 Location additions.
 */
export const ocpi230Adapter: OcpiVersionAdapter = {
  version: '2.3.0',
  tokenEncoding: 'base64',
  transport: TRANSPORT_RULES_2_2,
  patchRequiresLastUpdated: true,
  // version_information_endpoint 2.3.0: the Endpoint class is unchanged from 2.2.1.
  parseEndpoints: parseVersionDetails221,
  senderUrl(endpoints: OcpiEndpoint[], module: SenderModule): string | null {
    return endpoints.find((e) => e.identifier === module && e.role === 'SENDER')?.url ?? null;
  },
  receiverUrl(endpoints: OcpiEndpoint[], module: ReceiverModule): string | null {
    return endpoints.find((e) => e.identifier === module && e.role === 'RECEIVER')?.url ?? null;
  },
  commands: {
    // mod_commands 2.3.0 §CommandType.
    types: ['CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'],
    refuse: () => null,
    serialise: serialiseCommand221,
    readResponse: readCommandResponse221,
    readResult: readCommandResult221,
  },
  // We are no Hub: our credentials never carry hub_party_id, so the 2.2.1 shape is the 2.3.0 one.
  serialiseCredentials: serialiseCredentials221,
  parseCredentials: parseCredentials230,
  // mod_hub_client_info 2.3.0: the ClientInfo object is unchanged from 2.2.1.
  hubClientInfo: { map: mapClientInfo221, serialise: serialiseClientInfo221 },
  ourEndpoints(baseUrl: string) {
    return [
      { identifier: 'credentials', role: 'SENDER', url: `${baseUrl}/credentials` },
      { identifier: 'cdrs', role: 'RECEIVER', url: `${baseUrl}/cdrs` },
      { identifier: 'locations', role: 'RECEIVER', url: `${baseUrl}/locations` },
      { identifier: 'sessions', role: 'RECEIVER', url: `${baseUrl}/sessions` },
      { identifier: 'tariffs', role: 'RECEIVER', url: `${baseUrl}/tariffs` },
      // mod_hub_client_info §Receiver Interface: where a Hub pushes the ClientInfo of the parties behind it.
      { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${baseUrl}/hubclientinfo` },
      // mod_tokens 2.3.0 §Sender Interface: CPOs GET our Tokens and POST real-time authorizations.
      { identifier: 'tokens', role: 'SENDER', url: `${baseUrl}/tokens` },
      // mod_invoice_reconciliation §Receiver Interface: with direct billing the CPO issues the records and the eMSP
      // receives them; we are the eMSP.
      { identifier: 'invoicereconciliation', role: 'RECEIVER', url: `${baseUrl}/invoicereconciliation` },
      // mod_commands 2.3.0 §Sender Interface: where CPOs post CommandResults (the response_url we send is below it).
      { identifier: 'commands', role: 'SENDER', url: `${baseUrl}/commands` },
    ];
  },
  tariffsReceiverPatch: false,
  mapLocation: (raw: unknown) => mapLocation230(raw),
  mapTariff: (raw) => mapTariff230(raw),
  mapCdr: (raw) => mapCdr230(raw),
  mapSession: (raw) => mapSession230(raw),
  // mod_tokens 2.3.0: Token, AuthorizationInfo and LocationReferences as in 2.2.1; TokenType adds EMAID.
  tokens: {
    types: ['AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID'],
    serialiseToken: serialiseToken221,
    serialiseAuthorization: serialiseAuthorization221,
    readLocationReferences: readLocationReferences221,
    unknownTokenStatus: OcpiStatus.UNKNOWN_TOKEN,
    authorizationReference: true,
    pushUrl: (tokensUrl, owner, token) =>
      `${tokensUrl.replace(/\/$/, '')}/${encodeURIComponent(owner.country_code)}/${encodeURIComponent(owner.party_id)}/${encodeURIComponent(token.uid)}?type=${token.type}`,
  },
};
