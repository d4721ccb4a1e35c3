import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { SyncService } from './sync.service';

/**
 * Pulls every registered CPO every SYNC_INTERVAL_MINUTES. @nestjs/schedule fires on every instance; the
 * per-(CPO, module) lease in SyncService makes sure only one instance actually pulls, and a tick that
 * finds the previous one still running in this process is skipped.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncScheduler.name);
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly connections: ConnectionsService,
    private readonly sync: SyncService,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.env.SYNC_INTERVAL_MINUTES;
    if (minutes === 0) return;
    this.registry.addInterval('pull-all-cpos', setInterval(() => void this.tick(), minutes * 60_000));
  }

  /** Pulls every REGISTERED connection once. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const connection of await this.connections.list()) {
        if (connection.status === 'REGISTERED') await this.sync.syncConnection(connection.id);
      }
    } catch (error) {
      this.logger.error(error, 'Scheduled pull failed');
    } finally {
      this.running = false;
    }
  }
}
