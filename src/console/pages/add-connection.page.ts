import { Body, Controller, Get, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InviteConnectionDto } from '../../connections/dto/invite-connection.dto';
import { RegisterConnectionDto } from '../../connections/dto/register-connection.dto';
import { CredentialsSenderService } from '../../connections/credentials-sender.service';
import { ConnectionsService } from '../../connections/connections.service';
import { RegistrationError } from '../../connections/registration.error';
import { HubClientInfoPull } from '../../sync/hub-client-info.pull';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { checkAgainst, field, FormFields } from '../form';
import { utc } from '../format';
import { html, Html } from '../html';
import { layout, redirectTo, sendPage } from '../layout';

const PATH = '/console/connections/new';

/** The two ways to connect a CPO, side by side; `values` refill the register form after an error (never token A). */
function addForms(values: { name?: string; versions_url?: string; invite_name?: string } = {}): Html {
  return html`<h2>We register with the CPO</h2>
    <form method="post" action="/console/connections/register" class="card">
      <p>The CPO gave you its versions URL and a token A: we fetch its versions, pick the highest version we share, and send our credentials.</p>
      <label for="name">Name (for operations)</label>
      <input id="name" name="name" required maxlength="100" value="${values.name ?? ''}" />
      <label for="versions_url">The CPO's versions URL</label>
      <input id="versions_url" name="versions_url" type="url" required value="${values.versions_url ?? ''}" placeholder="https://cpo.example.com/ocpi/versions" />
      <label for="token_a">Token A (from the CPO)</label>
      <input id="token_a" name="token_a" type="password" required maxlength="64" autocomplete="off" />
      <p><button type="submit">Register</button></p>
    </form>
    <h2>The CPO registers with us</h2>
    <form method="post" action="/console/connections/invite" class="card">
      <p>We create a token A and show it once, with our versions URL: hand both to the CPO; it registers with us.</p>
      <label for="invite_name">Name (for operations)</label>
      <input id="invite_name" name="name" required maxlength="100" value="${values.invite_name ?? ''}" />
      <label for="valid_days">Token A valid for (days, 1 to 90)</label>
      <input id="valid_days" name="valid_days" type="number" min="1" max="90" value="7" />
      <p><button type="submit">Create the invitation</button></p>
    </form>`;
}

/**
 * GET /console/connections/new: register with a CPO (versions URL + token A; credentials §Registration, eMSP-initiated)
 * or invite one (a token A shown once; CPO-initiated). POST …/register: success → the connection's page; the CPO
 * failing us → this page again with what went wrong (the FAILED connection linked). POST …/invite → a page with token A,
 * our versions URL and the expiry, shown this once. Invalid fields → this page with the operations API's messages, 400.
 */
@ApiExcludeController()
@Controller('console/connections')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class AddConnectionPage {
  constructor(
    private readonly sender: CredentialsSenderService,
    private readonly connections: ConnectionsService,
    private readonly hubClients: HubClientInfoPull,
  ) {}

  @Get('new')
  form(@Res() reply: FastifyReply) {
    return sendPage(reply, layout({ title: 'Add a CPO', path: PATH, body: addForms() }));
  }

  @Post('register')
  async register(@Body() fields: FormFields, @Res() reply: FastifyReply) {
    const values = { name: field(fields, 'name'), versions_url: field(fields, 'versions_url'), token_a: field(fields, 'token_a') };
    const refill = { name: values.name, versions_url: values.versions_url };
    const checked = checkAgainst(RegisterConnectionDto, values);
    if (checked.errors) return sendPage(reply, layout({ title: 'Add a CPO', path: PATH, error: checked.errors.join('; '), body: addForms(refill) }), 400);
    try {
      const connection = await this.sender.register(checked.value.name, checked.value.versions_url, checked.value.token_a);
      // As the operations API does: a Hub's ClientInfo list right away (its failure does not fail the registration).
      await this.hubClients.refresh(connection.id);
      return redirectTo(reply, `/console/connections/${connection.id}?notice=REGISTERED`);
    } catch (error) {
      if (!(error instanceof RegistrationError)) throw error;
      const failed = error.connectionId ? html` <a href="/console/connections/${error.connectionId}">The connection is kept as FAILED.</a>` : '';
      const body = html`<p class="muted">Nothing was registered: ${error.failure}.${failed}</p>
        ${addForms(refill)}`;
      return sendPage(reply, layout({ title: 'Add a CPO', path: PATH, error: `The CPO could not be registered: ${error.message}`, body }), 502);
    }
  }

  @Post('invite')
  async invite(@Body() fields: FormFields, @Res() reply: FastifyReply) {
    const days = field(fields, 'valid_days');
    const values = { name: field(fields, 'name'), valid_days: days === undefined ? undefined : Number(days) };
    const checked = checkAgainst(InviteConnectionDto, values);
    if (checked.errors) return sendPage(reply, layout({ title: 'Add a CPO', path: PATH, error: checked.errors.join('; '), body: addForms({ invite_name: values.name }) }), 400);
    const invitation = await this.connections.invite(checked.value.name, checked.value.valid_days ?? 7);
    const body = html`<p>Give these two to the CPO, securely (not in the same e-mail as anything else about this connection). Token A is shown this once: we keep only its hash.</p>
      <dl class="facts">
        <dt>Our versions URL</dt>
        <dd><code id="versions-url">${invitation.versionsUrl}</code></dd>
        <dt>Token A</dt>
        <dd><code id="token-a">${invitation.tokenA}</code></dd>
        <dt>Valid until</dt>
        <dd>${utc(invitation.expiresAt)}</dd>
      </dl>
      <p>The CPO registers with a credentials POST to our credentials endpoint; until then the connection is INVITED.</p>
      <p><a href="/console/connections/${invitation.connection.id}">Open the connection</a></p>`;
    return sendPage(reply, layout({ title: `Invitation for ${invitation.connection.name}`, path: PATH, notice: 'Invitation created.', body }), 201);
  }
}
