import { Module } from '@nestjs/common';
import { ChargeStoryModule } from '../charge-story/charge-story.module';
import { ConnectionsModule } from '../connections/connections.module';
import { OperationsModule } from '../operations/operations.module';
import { SyncModule } from '../sync/sync.module';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleSessionGuard, ConsoleSessions } from './console-auth';
import { HealthFigures } from './health-figures';
import { AddConnectionPage } from './pages/add-connection.page';
import { CallLogPage } from './pages/call-log.page';
import { ConnectionPage } from './pages/connection.page';
import { ConnectionsPage } from './pages/connections.page';
import { ChargeStoryPage } from './pages/charge-story.page';
import { HealthPage } from './pages/health.page';
import { MapPage } from './pages/map.page';
import { RejectedPage } from './pages/rejected.page';
import { SyncRunPage } from './pages/sync-run.page';
import { LoginPage } from './pages/login.page';

/**
 * The operations console: server-rendered pages under /console (one controller per page in pages/, the shared layout
 * and nav in layout.ts and console-nav.ts, one rendering helper in html.ts), behind a login with the operations key.
 * Pages call the services behind the operations API and render; they hold no logic of their own.
 * A new page: a file in pages/ with its controller (guarded by ConsoleSessionGuard, filtered by
 * ConsoleExceptionFilter), listed in `controllers` below, and a line in CONSOLE_NAV.
 */
@Module({
  imports: [ConnectionsModule, SyncModule, OperationsModule, ChargeStoryModule],
  providers: [ConsoleSessions, ConsoleSessionGuard, HealthFigures],
  // AddConnectionPage before ConnectionPage: /console/connections/new is not a connection id.
  controllers: [
    ConsoleAssetsController,
    LoginPage,
    ConnectionsPage,
    AddConnectionPage,
    ConnectionPage,
    CallLogPage,
    HealthPage,
    MapPage,
    RejectedPage,
    SyncRunPage,
    ChargeStoryPage,
  ],
})
export class ConsoleModule {}
