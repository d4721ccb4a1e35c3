import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/** Makes the validated {@link AppConfig} injectable everywhere. */
@Global()
@Module({})
export class ConfigurationModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigurationModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
