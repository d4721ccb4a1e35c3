import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException, OnModuleInit, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
import { CpoCaller, targetOf } from '../connections/cpo-caller';
import { JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { adapterFor } from '../ocpi/versions/version-registry';
import { TokenAuthorizer } from '../tokens/token-authorizer';
import { CommandInput, readCommandInput } from './command-input';
import { CommandRequest, CommandType } from '../ocpi/adapter/command-wire';
import { CommandState } from './command.model';
import { CommandStore, LinkedSession, StoredCommand } from './command.store';

/** The job that marks a command TIMEOUT when no CommandResult came within its timeout. */
export const COMMAND_TIMEOUT_QUEUE = defineQueue<{ commandId: string }>({
  name: 'command-timeout',
  policy: 'standard',
  retryLimit: 10,
  retryDelaySeconds: 5,
  retryBackoff: true,
  expireInSeconds: 60,
});

/** A command as the app sees it (GET /api/v1/commands/{id}). Times ISO-8601 UTC. */
export interface CommandView {
  id: string;
  connection_id: string;
  ocpi_version: string;
  command: CommandType;
  state: CommandState;
  request: Record<string, unknown>;
  authorization_reference: string | null;
  /** Why it was not sent (NOT_SENT), in plain words. */
  error: string | null;
  /** The CPO's immediate CommandResponse. */
  response: { result: string; timeout: number | null; message: unknown; at: string } | null;
  /** When we stop waiting for the result. */
  deadline_at: string | null;
  /** The CommandResult the CPO posted. */
  result: { result: string; message: unknown; at: string } | null;
  timed_out_at: string | null;
  /** The Session it started (START_SESSION, RESERVE_NOW) or stops (STOP_SESSION), once we hold it. */
  session: LinkedSession | null;
  created_at: string;
}

/** What a CommandResult posted to our response_url came to. */
export type ResultOutcome = 'RECORDED' | 'UNKNOWN' | 'MALFORMED';

/**
 * Commands from the app to CPOs (mod_commands 2.2.1 / 2.3.0, 2.1.1): sent to the CPO's Commands Receiver with our
 * response_url, the immediate CommandResponse stored, the CommandResult matched when the CPO posts it, TIMEOUT by a
 * delayed job on the durable queue when it does not come (survives restarts; one instance runs it).
 */
@Injectable()
export class CommandsService implements OnModuleInit {
  private readonly logger = new Logger(CommandsService.name);

  constructor(
    private readonly store: CommandStore,
    private readonly connections: ConnectionsService,
    private readonly caller: CpoCaller,
    private readonly authorizer: TokenAuthorizer,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work(COMMAND_TIMEOUT_QUEUE, async ({ commandId }) => {
      if (await this.store.timedOut(commandId)) this.logger.log({ commandId }, 'No CommandResult within the timeout: TIMEOUT');
    });
  }

  /**
   * Sends `command` as the app asked (`raw`, see readCommandInput) and returns it with the CPO's immediate answer.
   * @throws BadRequestException naming each bad field; NotFoundException for an unknown connection;
   * ConflictException when the connection is not registered or its CPO has no Commands Receiver;
   * UnprocessableEntityException when the version cannot carry it or the Token may not charge.
   */
  async issue(command: CommandType, raw: unknown): Promise<CommandView> {
    const reading = readCommandInput(command, raw);
    if (!reading.ok) throw new BadRequestException(reading.errors);
    const input = reading.value;
    const connection = await this.connections.get(input.connection_id);
    let session: CpoSession;
    try {
      session = await this.connections.session(connection.id);
    } catch (error) {
      throw new ConflictException(`CPO connection "${connection.name}" is not registered (${connection.status}): it cannot take commands`, { cause: error });
    }
    const { adapter } = session;
    if (!adapter.commands.types.includes(command)) throw new UnprocessableEntityException(`OCPI ${adapter.version} has no ${command} command`);
    const url = adapter.receiverUrl(connection.theirEndpoints, 'commands');
    if (!url) throw new ConflictException(`CPO "${connection.name}" lists no Commands Receiver in its ${adapter.version} version details: it takes no commands from us`);
    const request = this.requestOf(input, session);
    const refusal = adapter.commands.refuse(request);
    if (refusal) throw new UnprocessableEntityException(refusal);

    const id = randomUUID();
    // mod_commands 2.2.1 §Sender Interface: a unique URL per command; its last segment finds the command again.
    const responseUrl = `${this.config.publicUrl}/ocpi/emsp/${adapter.version}/commands/${command}/${id}`;
    await this.store.insert(id, connection.id, adapter.version, request);
    const { countryCode, partyId } = this.config.ourParty;
    const body = adapter.commands.serialise(request, responseUrl, { country_code: countryCode, party_id: partyId });
    try {
      const reply = await this.caller.request(targetOf(connection, adapter.version, adapter.tokenEncoding, session.token, session.fallbackToken), {
        method: 'POST',
        url: `${url.replace(/\/$/, '')}/${command}`,
        body,
        context: { connectionId: connection.id, module: 'commands' },
      });
      const response = adapter.commands.readResponse(reply.data);
      if (!response.ok) {
        await this.store.notSent(id, `The CPO answered no CommandResponse we can read: ${response.reason}`);
      } else if (response.value.result === 'ACCEPTED') {
        const seconds = Math.max(1, response.value.timeout ?? this.config.env.COMMAND_RESULT_TIMEOUT_SECONDS);
        await this.store.responded(id, response.value, 'AWAITING_RESULT', new Date(Date.now() + seconds * 1000));
        await this.jobs.send(COMMAND_TIMEOUT_QUEUE, { commandId: id }, { startAfterSeconds: seconds });
      } else {
        await this.store.responded(id, response.value, response.value.result, null);
      }
    } catch (error) {
      if (!(error instanceof OcpiCallError)) throw error;
      await this.store.notSent(id, error.explanation);
    }
    return this.get(id);
  }

  /** The command with its state and linked Session. @throws NotFoundException */
  async get(id: string): Promise<CommandView> {
    const stored = await this.store.get(id);
    if (!stored) throw new NotFoundException(`no command ${id}`);
    return this.view(stored, await this.store.linkedSession(stored));
  }

  /**
   * A CommandResult posted by `connectionId` to the response_url of command `id` (mod_commands 2.2.1 §Sender Interface
   * POST): UNKNOWN when we issued no such command to that CPO, MALFORMED when the body is no CommandResult of `version`.
   */
  async receiveResult(connectionId: string, version: string, command: CommandType, id: string, raw: unknown): Promise<ResultOutcome> {
    const adapter = adapterFor(version);
    if (!adapter) return 'UNKNOWN';
    const result = adapter.commands.readResult(raw);
    const stored = await this.store.get(id);
    if (!stored || stored.connection_id !== connectionId || stored.command !== command) return 'UNKNOWN';
    if (!result.ok) return 'MALFORMED';
    return (await this.store.resulted(id, connectionId, command, result.value)) ? 'RECORDED' : 'UNKNOWN';
  }

  /** The version-neutral request; for START_SESSION and RESERVE_NOW our Token, authorized now. @throws UnprocessableEntityException */
  private requestOf(input: CommandInput, session: CpoSession): CommandRequest {
    switch (input.command) {
      case 'STOP_SESSION':
      case 'CANCEL_RESERVATION':
      case 'UNLOCK_CONNECTOR': {
        const { connection_id: _c, ...request } = input;
        return request;
      }
      case 'START_SESSION':
      case 'RESERVE_NOW': {
        const { adapter } = session;
        if (!adapter.tokens.types.includes(input.token.type)) throw new UnprocessableEntityException(`OCPI ${adapter.version} has no Token type ${input.token.type}`);
        // mod_commands 2.2.1 §StartSession: "The Token provided … SHALL be authorized by the eMSP before sending it":
        // the same decision as a CPO's real-time authorization, recorded alike, its reference carried by the Session.
        const info = this.authorizer.authorize({
          uid: input.token.uid,
          type: input.token.type,
          connectionId: session.connection.id,
          version: adapter.version,
          location: { location_id: input.location_id, evse_uids: input.evse_uid ? [input.evse_uid] : [], connector_ids: [] },
          withReference: adapter.tokens.authorizationReference,
        });
        if (!info) throw new UnprocessableEntityException(`no Token with type ${input.token.type} and uid ${input.token.uid}`);
        if (info.allowed !== 'ALLOWED') throw new UnprocessableEntityException(`the Token may not charge here: ${info.allowed}`);
        const { connection_id: _c, token: _t, ...rest } = input;
        return { ...rest, token: info.token, authorization_reference: info.authorization_reference };
      }
    }
  }

  private view(c: StoredCommand, session: LinkedSession | null): CommandView {
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    // A START_SESSION given up on whose Session arrived all the same: the charge runs.
    const state: CommandState = c.command === 'START_SESSION' && session && c.state === 'TIMEOUT' ? 'STARTED_LATE' : c.state;
    return {
      id: c.id,
      connection_id: c.connection_id,
      ocpi_version: c.ocpi_version,
      command: c.command,
      state,
      request: c.request,
      authorization_reference: c.authorization_reference,
      error: c.error,
      response: c.response ? { result: c.response, timeout: c.response_timeout, message: c.response_message, at: iso(c.responded_at)! } : null,
      deadline_at: iso(c.deadline_at),
      result: c.result ? { result: c.result, message: c.result_message, at: iso(c.result_at)! } : null,
      timed_out_at: iso(c.timed_out_at),
      session,
      created_at: iso(c.created_at)!,
    };
  }
}
