import { Module } from '@nestjs/common';
import { CdrsModule } from '../../cdrs/cdrs.module';
import { IntakeModule } from '../../intake/intake.module';
import { ConnectionsModule } from '../../connections/connections.module';
import { HubsModule } from '../../hubs/hubs.module';
import { CredentialsController } from './credentials.controller';
import { ChangeReceiver } from './receivers/change-receiver';
import { CdrsReceiverController } from './receivers/cdrs-receiver.controller';
import { LocationsReceiverController } from './receivers/locations-receiver.controller';
import { LocationsModule } from '../../locations/locations.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { TariffsModule } from '../../tariffs/tariffs.module';
import { SessionsReceiverController } from './receivers/sessions-receiver.controller';
import { TariffsReceiverController } from './receivers/tariffs-receiver.controller';
import { HubClientInfoReceiverController } from './receivers/hubclientinfo-receiver.controller';
import { TokensModule } from '../../tokens/tokens.module';
import { TokensSenderController } from './senders/tokens-sender.controller';
import { AuthorizeRoute } from './senders/authorize-route';
import { OcpiAuthGuard } from './ocpi-auth.guard';
import { OcpiExceptionFilter } from './ocpi-exception.filter';
import { CommandsModule } from '../../commands/commands.module';
import { CommandsReceiverController } from './receivers/commands-receiver.controller';

/**
 * Our OCPI endpoints that CPOs call, beyond versions: credentials (the handshake, served by the connections domain)
 * and the Receiver interfaces (what CPOs push to us; each route a short caller of the one intake step), and the
 * hubclientinfo Receiver interface (what a Hub tells us of the parties behind it), and our Tokens Sender interface
 * (CPOs read our Tokens and ask for real-time authorization), and our Commands Sender interface (CPOs post the results
 * of our commands).
 */
@Module({
  imports: [ConnectionsModule, IntakeModule, CdrsModule, LocationsModule, TariffsModule, SessionsModule, HubsModule, TokensModule, CommandsModule],
  // The guard and filter as providers too: the real-time authorization route (a plain Fastify route) calls them.
  providers: [ChangeReceiver, AuthorizeRoute, OcpiAuthGuard, OcpiExceptionFilter],
  controllers: [
    CredentialsController,
    CdrsReceiverController,
    LocationsReceiverController,
    TariffsReceiverController,
    SessionsReceiverController,
    HubClientInfoReceiverController,
    TokensSenderController,
    CommandsReceiverController,
  ],
})
export class OcpiEndpointsModule {}
