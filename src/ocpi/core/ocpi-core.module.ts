import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { OcpiMessageIdsMiddleware } from './ocpi-message-ids.middleware';

/** Transport concerns of every OCPI endpoint we serve, whatever module hosts it: message-id echo. */
@Module({})
export class OcpiCoreModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OcpiMessageIdsMiddleware).forRoutes('ocpi/*path');
  }
}
