import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConnectionsService } from '../../connections/connections.service';
import { SyncProgress } from '../../sync/sync-progress';
import { SyncService } from '../../sync/sync.service';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { utc } from '../format';
import { html } from '../html';
import { layout, sendPage } from '../layout';

/** How often the page of a running pull reloads itself (a meta refresh: the console runs no script). */
export const PROGRESS_REFRESH_SECONDS = 1;

/** A run as SyncService.oneRun reads it (snake_case), with its progress (sync-progress.ts). */
interface RunRow {
  id: string;
  module: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  objects_stored: number;
  objects_rejected: number;
  pages: number;
  error: string | null;
  progress: SyncProgress;
}

/**
 * GET /console/health/{id}/sync-runs/{runId}: one pull and how far it has come: pages and objects received (of the
 * CPO's X-Total-Count when it sends one, with a progress bar), stored and rejected, the rate and the time left; the page
 * reloads itself every second while the run is RUNNING. 404 when the CPO has no such run.
 */
@ApiExcludeController()
@Controller('console/health')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class SyncRunPage {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly sync: SyncService,
  ) {}

  @Get(':id/sync-runs/:runId')
  async run(@Param('id', new ParseUUIDPipe()) id: string, @Param('runId', new ParseUUIDPipe()) runId: string, @Res() reply: FastifyReply) {
    const connection = await this.connections.get(id);
    const run = (await this.sync.oneRun(id, runId)) as RunRow | null;
    if (run === null) throw new NotFoundException(`No sync run ${runId} of CPO connection ${connection.name}`);
    const p = run.progress;
    const running = run.status === 'RUNNING';
    const body = html`<div class="actions"><a href="/console/health/${id}">Health of ${connection.name}</a></div>
      <dl class="facts run" data-status="${run.status}">
        <dt>Status</dt>
        <dd class="status">${run.status}${running ? html` <span class="muted">(this page reloads every ${PROGRESS_REFRESH_SECONDS} s)</span>` : ''}</dd>
        <dt>Started</dt>
        <dd>${utc(run.started_at)}</dd>
        <dt>Pages</dt>
        <dd class="pages">${run.pages}</dd>
        <dt>Objects</dt>
        <dd>
          <span class="objects">${p.crawl_objects}</span
          >${p.total !== null ? html` of <span class="total">${p.total}</span> (X-Total-Count)` : html` <span class="muted">(the CPO sends no X-Total-Count)</span>`}
          ${p.total !== null ? html`<progress max="${p.total}" value="${Math.min(p.crawl_objects, p.total)}"></progress>` : ''}
        </dd>
        <dt>Stored / rejected</dt>
        <dd>${run.objects_stored} / ${run.objects_rejected}</dd>
        <dt>Rate</dt>
        <dd class="rate">${p.rate === null ? '—' : `${p.rate} objects/s`}</dd>
        <dt>Time left</dt>
        <dd class="left">${p.eta_seconds === null ? '—' : `${p.eta_seconds} s`}</dd>
        <dt>Finished</dt>
        <dd>${utc(run.finished_at)}</dd>
        ${
          run.error
            ? html`<dt>Error</dt>
                <dd class="error">${run.error}</dd>`
            : ''
        }
      </dl>`;
    return sendPage(
      reply,
      layout({
        title: `Pull of ${run.module} from ${connection.name}`,
        path: `/console/health/${id}/sync-runs/${runId}`,
        body,
        refreshSeconds: running ? PROGRESS_REFRESH_SECONDS : undefined,
      }),
    );
  }
}
