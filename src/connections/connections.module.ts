import { Module } from '@nestjs/common';
import { OcpiAuthGuard } from '../ocpi/server/ocpi-auth.guard';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { ProtocolExceptionFilter } from '../ocpi/server/protocol-exception.filter';
import { VersionsController } from '../ocpi/server/versions.controller';
import { AuthObservations } from './auth-observations';
import { ConnectionsService } from './connections.service';
import { CpoCaller } from './cpo-caller';
import { CredentialsController } from './credentials.controller';
import { CredentialsReceiverService } from './credentials-receiver.service';
import { CredentialsSenderService } from './credentials-sender.service';
import { EndpointDiscovery } from './endpoint-discovery';
import { SenderPages } from './sender-pages';

/** CPO connections, the credentials handshakes both ways and our OCPI versions / credentials endpoints. */
@Module({
  imports: [OcpiClientModule],
  providers: [
    ConnectionsService, AuthObservations, CpoCaller, EndpointDiscovery, CredentialsSenderService, CredentialsReceiverService,
    SenderPages, OcpiAuthGuard, ProtocolExceptionFilter,
  ],
  controllers: [VersionsController, CredentialsController],
  exports: [ConnectionsService, CredentialsSenderService, SenderPages, OcpiAuthGuard, AuthObservations, ProtocolExceptionFilter],
})
export class ConnectionsModule {}
