import { BadRequestException, Injectable, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, Hash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { InvoiceLineIn, readInvoiceCsvStream, UnreadableInvoice, UnreadableLine } from './invoice-csv.reader';
import { InvoiceMapping, mappingProblems } from './invoice-mapping.model';

/** An imported invoice as listed. */
export interface InvoiceView {
  id: string;
  connection_id: string;
  invoice_number: string;
  file_name: string | null;
  content_hash: string;
  period_from: string;
  period_to: string;
  line_count: number;
  /** Lines left out on request (skip_unreadable), with the reason each could not be read. */
  skipped: UnreadableLine[];
  supersedes: string | null;
  superseded_by: string | null;
  imported_at: string;
}

/** What an import did: IMPORTED (new invoice), SUPERSEDED_PREVIOUS (a corrected one replaced `supersedes`), UNCHANGED (this very file is held). */
export interface ImportResult {
  status: 'IMPORTED' | 'SUPERSEDED_PREVIOUS' | 'UNCHANGED';
  invoice: InvoiceView;
}

export interface ImportRequest {
  connectionId: string;
  invoiceNumber: string;
  fileName: string | null;
  periodFrom: Date;
  periodTo: Date;
  /**
   * The file: its text (JSON body), or its bytes as they arrive (a streamed text/csv upload), read once, never held
   * whole; at most `maxBytes` of them (beyond: 413, nothing imported).
   */
  file: { text: string } | { stream: AsyncIterable<Buffer | string>; maxBytes: number; declaredBytes?: number };
  skipUnreadable: boolean;
}

/** Thrown inside the import's transaction to roll it back: the streamed file proved to be one already held. */
class SameFileHeld extends Error {
  constructor(readonly invoiceId: string) {
    super('the same file is held');
  }
}

/**
 * CPO invoices in: the column mapping per CPO, and importing an invoice CSV with it. The same file again (same content
 * hash, per CPO) changes nothing; another file under a held invoice number supersedes it (the old one kept, marked);
 * an unreadable line refuses the whole file (400 naming each line and why) unless skip_unreadable, when the line is
 * left out and listed on the invoice. Imports of one CPO's invoice number are serialised (transaction-scoped lock), so
 * instances importing at once never leave two current copies.
 */
@Injectable()
export class InvoicesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The CPO's mapping, or null when none is kept. */
  async mapping(connectionId: string): Promise<InvoiceMapping | null> {
    const rows: Array<{ mapping: InvoiceMapping }> = await this.db.query(`SELECT mapping FROM invoice_mapping WHERE connection_id = $1`, [connectionId]);
    return rows[0]?.mapping ?? null;
  }

  /** Keeps (replaces) the CPO's mapping. @throws BadRequestException listing what is wrong with it */
  async putMapping(connectionId: string, mapping: InvoiceMapping): Promise<InvoiceMapping> {
    const clean: InvoiceMapping = {
      delimiter: mapping.delimiter ?? ',',
      decimal_separator: mapping.decimal_separator ?? '.',
      line_per: mapping.line_per ?? 'CDR',
      currency: mapping.currency ?? null,
      columns: mapping.columns ?? {},
    };
    const problems = mappingProblems(clean);
    if (problems.length > 0) throw new BadRequestException(problems);
    await this.db.query(
      `INSERT INTO invoice_mapping (connection_id, mapping, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (connection_id) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now()`,
      [connectionId, JSON.stringify(clean)],
    );
    return clean;
  }

  /**
   * Reads the file as a stream (csv-parse's stream API) into batched inserts, inside one transaction: memory stays flat
   * whatever the file's size, and a refused file leaves nothing behind. The file's SHA-256 (its identity: the same
   * file again is UNCHANGED) is known before reading for a text, and computed while reading for a streamed upload,
   * whose lines are then written under a new invoice and rolled back if the file proves to be one already held.
   * @throws BadRequestException for no mapping, an unreadable file or line (named); PayloadTooLargeException for a
   *   streamed file over its limit; never half-imports
   */
  async import(r: ImportRequest): Promise<ImportResult> {
    const mapping = await this.mapping(r.connectionId);
    if (!mapping) throw new BadRequestException(`no invoice mapping is kept for this CPO: PUT /api/v1/finance/invoice-mappings/${r.connectionId} first`);
    const knownHash = 'text' in r.file ? createHash('sha256').update(r.file.text).digest('hex') : null;
    const hashing = createHash('sha256');
    if ('stream' in r.file && (r.file.declaredBytes ?? 0) > r.file.maxBytes) throw tooLarge(r.file.maxBytes);
    const source = 'text' in r.file ? chunksOf(r.file.text) : counted(r.file.stream, r.file.maxBytes, hashing);
    try {
      return await this.db.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('invoice:' || $1 || ':' || $2))`, [r.connectionId, r.invoiceNumber]);
        const same: Array<{ id: string }> = knownHash ? await m.query(`SELECT id FROM invoice WHERE connection_id = $1 AND content_hash = $2`, [r.connectionId, knownHash]) : [];
        // The same file again: read all the same (a file refused then is refused now), written nowhere.
        const id = same.length > 0 ? null : randomUUID();
        let previous: string | null = null;
        if (id) {
          const current: Array<{ id: string }> = await m.query(`SELECT id FROM invoice WHERE connection_id = $1 AND invoice_number = $2 AND superseded_by IS NULL`, [
            r.connectionId,
            r.invoiceNumber,
          ]);
          previous = current[0]?.id ?? null;
          if (previous) await m.query(`UPDATE invoice SET superseded_by = $1 WHERE id = $2`, [id, previous]);
          // The invoice first (its lines refer to it); its line count and skipped lines once the file is read. A
          // streamed file's hash is not known yet: a placeholder unique to this invoice until it is.
          await m.query(
            `INSERT INTO invoice (id, connection_id, invoice_number, file_name, content_hash, period_from, period_to, mapping, skipped, line_count, supersedes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '[]'::jsonb, 0, $9)`,
            [
              id,
              r.connectionId,
              r.invoiceNumber,
              r.fileName,
              knownHash ?? `pending:${id}`,
              r.periodFrom.toISOString(),
              r.periodTo.toISOString(),
              JSON.stringify(mapping),
              previous,
            ],
          );
        }
        const unreadable: UnreadableLine[] = [];
        let lineCount = 0;
        for await (const batch of readInvoiceCsvStream(source, mapping, IMPORT_BATCH_LINES)) {
          unreadable.push(...batch.unreadable);
          lineCount += batch.lines.length;
          // Once a line is unreadable and the file is to be refused, the rest is only read (to name every such line).
          if (id && batch.lines.length > 0 && (unreadable.length === 0 || r.skipUnreadable)) await insertLines(m, id, batch.lines);
        }
        if (unreadable.length > 0 && !r.skipUnreadable) {
          const first = unreadable[0];
          // Thrown inside the transaction: what was written is rolled back.
          throw new BadRequestException({
            message: `invoice refused: line ${first.line} cannot be read: ${first.reason}${unreadable.length > 1 ? ` (and ${unreadable.length - 1} more lines)` : ''}; nothing was imported (skip_unreadable: true imports the others)`,
            unreadable_lines: unreadable,
          });
        }
        if (!id) return { status: 'UNCHANGED' as const, invoice: (await this.view(m, same[0].id))! };
        let hash = knownHash;
        if (!hash) {
          hash = hashing.digest('hex');
          // Two uploads of one file under different numbers at once: the second waits here and finds the first.
          await m.query(`SELECT pg_advisory_xact_lock(hashtext('invoice-file:' || $1 || ':' || $2))`, [r.connectionId, hash]);
          const held: Array<{ id: string }> = await m.query(`SELECT id FROM invoice WHERE connection_id = $1 AND content_hash = $2`, [r.connectionId, hash]);
          if (held.length > 0) throw new SameFileHeld(held[0].id);
        }
        await m.query(`UPDATE invoice SET line_count = $2, skipped = $3, content_hash = $4 WHERE id = $1`, [id, lineCount, JSON.stringify(unreadable), hash]);
        return { status: previous ? ('SUPERSEDED_PREVIOUS' as const) : ('IMPORTED' as const), invoice: (await this.view(m, id))! };
      });
    } catch (error) {
      if (error instanceof SameFileHeld) return { status: 'UNCHANGED', invoice: (await this.view(this.db.manager, error.invoiceId))! };
      if (error instanceof UnreadableInvoice) throw new BadRequestException({ message: `invoice refused: ${error.message}`, unreadable_lines: [] });
      throw error;
    }
  }

  /** The invoices of a CPO (or all), newest first, superseded ones included (history). */
  async list(connectionId: string | null): Promise<InvoiceView[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM invoice WHERE ($1::uuid IS NULL OR connection_id = $1) ORDER BY imported_at DESC, id`, [connectionId]);
    return Promise.all(rows.map(async (r) => (await this.view(this.db.manager, r.id))!));
  }

  /** One invoice. @throws NotFoundException */
  async get(id: string): Promise<InvoiceView> {
    const v = await this.view(this.db.manager, id);
    if (!v) throw new NotFoundException(`No invoice ${id}`);
    return v;
  }

  private async view(m: { query: DataSource['query'] }, id: string): Promise<InvoiceView | null> {
    const rows: Array<InvoiceView & { period_from: Date; period_to: Date; imported_at: Date }> = await m.query(
      `SELECT id, connection_id, invoice_number, file_name, content_hash, period_from, period_to, line_count, skipped, supersedes, superseded_by, imported_at
       FROM invoice WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return { ...r, period_from: new Date(r.period_from).toISOString(), period_to: new Date(r.period_to).toISOString(), imported_at: new Date(r.imported_at).toISOString() };
  }
}

/** Lines inserted per statement while an invoice is imported. */
const IMPORT_BATCH_LINES = 1000;

/** Characters of the file handed to the CSV reader at a time. */
const IMPORT_CHUNK_CHARS = 64 * 1024;

/** `text` in chunks of about IMPORT_CHUNK_CHARS, never between the two halves of a surrogate pair (each chunk is encoded to UTF-8 alone). */
function* chunksOf(text: string): Generator<string> {
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + IMPORT_CHUNK_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield text.slice(at, end);
    at = end;
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`invoice file larger than the ${maxBytes} bytes we accept (FINANCE_MAX_INVOICE_BYTES); nothing was imported`);
}

/**
 * The bytes of a streamed file as they arrive, fed to `hash`; refused with 413 once they pass `maxBytes` (the
 * transaction reading them is rolled back).
 */
async function* counted(stream: AsyncIterable<Buffer | string>, maxBytes: number, hash: Hash): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    read += bytes.length;
    if (read > maxBytes) throw tooLarge(maxBytes);
    hash.update(bytes);
    yield bytes;
  }
}

/** Inserts one batch of an invoice's lines (one statement). */
async function insertLines(m: EntityManager, invoiceId: string, lines: InvoiceLineIn[]): Promise<void> {
  await m.query(
    `INSERT INTO invoice_line (invoice_id, line_no, cdr_ref, session_ref, authorization_reference, location_id, start_date_time, energy_kwh,
       time_hours, parking_hours, amount_excl_vat, amount_incl_vat, vat_rate, currency, raw)
     SELECT $1, x.line_no, x.cdr_ref, x.session_ref, x.authorization_reference, x.location_id, x.start_date_time, x.energy_kwh,
       x.time_hours, x.parking_hours, x.amount_excl_vat, x.amount_incl_vat, x.vat_rate, x.currency, x.raw
     FROM jsonb_to_recordset($2::jsonb) AS x(line_no int, cdr_ref text, session_ref text, authorization_reference text, location_id text,
       start_date_time timestamptz, energy_kwh numeric, time_hours numeric, parking_hours numeric, amount_excl_vat numeric, amount_incl_vat numeric, vat_rate numeric, currency text, raw jsonb)`,
    [invoiceId, JSON.stringify(lines)],
  );
}
