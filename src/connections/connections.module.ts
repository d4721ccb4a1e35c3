import { Module } from '@nestjs/common';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { AuthObservations } from './auth-observations';
import { ConnectionCache } from './connection-cache';
import { ConnectionDirectory } from './connection-directory';
import { ConnectionsService } from './connections.service';
import { CpoCaller } from './cpo-caller';
import { CredentialsReceiverService } from './credentials-receiver.service';
import { CredentialsSenderService } from './credentials-sender.service';
import { EndpointDiscovery } from './endpoint-discovery';
import { SenderPages } from './sender-pages';
import { TokenKeyRotation } from './token-key-rotation';

/**
 * CPO connections and the credentials handshakes both ways (our credentials endpoint, in ocpi/server, calls
 * CredentialsReceiverService). ConnectionDirectory is the partner directory the OCPI server's guard uses (wired in
 * AppModule).
 */
@Module({
  imports: [OcpiClientModule],
  providers: [
    ConnectionsService,
    AuthObservations,
    CpoCaller,
    EndpointDiscovery,
    CredentialsSenderService,
    CredentialsReceiverService,
    SenderPages,
    ConnectionCache,
    ConnectionDirectory,
    TokenKeyRotation,
  ],
  exports: [ConnectionsService, CpoCaller, CredentialsSenderService, CredentialsReceiverService, SenderPages, AuthObservations, ConnectionDirectory, ConnectionCache],
})
export class ConnectionsModule {}
