import { Module } from '@nestjs/common';
import { OcpiClient } from './ocpi-client';

/** Provides the one OCPI transport towards CPOs. */
@Module({ providers: [OcpiClient], exports: [OcpiClient] })
export class OcpiClientModule {}
