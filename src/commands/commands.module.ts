import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { TokensModule } from '../tokens/tokens.module';
import { CommandStore } from './command.store';
import { CommandsController } from './commands.controller';
import { CommandsService } from './commands.service';

/**
 * Commands: the app asks (internal API), we send them to the CPO's Commands Receiver and follow their result (the
 * CPO posts it to our Commands Sender interface, served in ocpi/server with CommandsService).
 */
@Module({
  imports: [ConnectionsModule, TokensModule],
  providers: [CommandStore, CommandsService],
  controllers: [CommandsController],
  exports: [CommandsService],
})
export class CommandsModule {}
