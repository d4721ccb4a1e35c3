import { Module } from '@nestjs/common';
import { OcpiAuthGuard } from '../ocpi/core/ocpi-auth.guard';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { VersionsController } from '../ocpi/versions/versions.controller';
import { ConnectionsService } from './connections.service';
import { CredentialsController } from './credentials.controller';

/** CPO connections, the credentials handshake and our OCPI versions / credentials endpoints. */
@Module({
  imports: [OcpiClientModule],
  providers: [ConnectionsService, OcpiAuthGuard],
  controllers: [VersionsController, CredentialsController],
  exports: [ConnectionsService, OcpiAuthGuard],
})
export class ConnectionsModule {}
