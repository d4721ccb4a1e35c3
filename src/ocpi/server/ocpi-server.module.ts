import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { HubsModule } from '../../hubs/hubs.module';
import { MessageRouting } from './message-routing';
import { OcpiAuthGuard } from './ocpi-auth.guard';
import { OCPI_PARTNERS, OcpiPartners } from './ocpi-partners.port';
import { ProtocolExceptionFilter } from './protocol-exception.filter';
import { VersionsController } from './versions.controller';

/**
 * The OCPI server side: the auth guard (with the message routing of functional modules), the global exception filter
 * and our versions endpoints. Global, so that every
 * module's OCPI controllers can use the guard; the partner directory behind the guard is handed in by the composition
 * root (the connections domain implements it), so nothing here imports the domain.
 */
@Module({})
export class OcpiServerModule {
  static forRoot(options: { imports: ModuleMetadata['imports']; partners: Type<OcpiPartners> | symbol }): DynamicModule {
    return {
      module: OcpiServerModule,
      global: true,
      imports: [...(options.imports ?? []), HubsModule],
      providers: [{ provide: OCPI_PARTNERS, useExisting: options.partners }, OcpiAuthGuard, MessageRouting, ProtocolExceptionFilter],
      controllers: [VersionsController],
      exports: [OCPI_PARTNERS, OcpiAuthGuard, MessageRouting, ProtocolExceptionFilter],
    };
  }
}
