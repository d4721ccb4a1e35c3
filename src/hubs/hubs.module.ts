import { Module } from '@nestjs/common';
import { HubClientInfoStore } from './hub-client-info.store';

/** Hubs: the ClientInfo each Hub connection announced (mod_hub_client_info), read by the message routing of pushes. */
@Module({
  providers: [HubClientInfoStore],
  exports: [HubClientInfoStore],
})
export class HubsModule {}
