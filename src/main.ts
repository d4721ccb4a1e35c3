import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { EnvironmentError, loadEnvironment } from './config/env.validation';
import { startService } from './service';

/**
 * Entry point of the service: reads .env if present, validates the settings (exit 1 with one line per missing or
 * malformed setting, all of them at once), starts, and stops cleanly on SIGINT / SIGTERM.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env;
  try {
    env = loadEnvironment(process.env);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const service = await startService(env);
  new Logger('Service').log(`Listening on ${service.url}; OCPI versions at ${service.config.publicUrl}/ocpi/emsp/versions; OpenAPI UI at ${service.url}/api/docs`);
  const stop = () => void service.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
