import { EntityManager } from 'typeorm';

/*
 * What a pull listed, for marking absent what a CPO stops listing (issue 15): a full pull remembers the keys it listed
 * in sync_run_seen, page by page, inside each page's transaction; at its successful end, the stores mark the rows of
 * the connection it did not list (LocationStore / TariffStore.markAbsentAfterFullPull) and the keys are dropped.
 * Shared by the Location and Tariff stores (locations/ imports tariffs/, so neither may hold it for both).
 */
/**
 * Remembers, for run `runId` when it is a full pull (no date_from), the keys it listed (`keys`: jsonb array of
 * country_code, party_id, ocpi_id). An incremental pull remembers nothing: it may not mark anything absent.
 */
export async function rememberSeen(m: Pick<EntityManager, 'query'>, runId: string, keys: string): Promise<void> {
  await m.query(
    `INSERT INTO sync_run_seen (run_id, country_code, party_id, ocpi_id)
     SELECT $1, x.country_code, x.party_id, x.ocpi_id FROM jsonb_to_recordset($2::jsonb) AS x(country_code text, party_id text, ocpi_id text)
     WHERE EXISTS (SELECT 1 FROM sync_run r WHERE r.id = $1 AND r.date_from IS NULL)
     ON CONFLICT DO NOTHING`,
    [runId, keys],
  );
}

/** The objects run `runId` was sent but rejected count as listed: remembered with its seen keys. */
export async function rememberRejectedAsSeen(m: Pick<EntityManager, 'query'>, connectionId: string, runId: string, runStartedAt: Date): Promise<void> {
  await m.query(
    `INSERT INTO sync_run_seen (run_id, country_code, party_id, ocpi_id)
     SELECT DISTINCT $2::uuid, r.country_code, r.party_id, r.object_id FROM rejected_object r
     WHERE r.connection_id = $1 AND r.received_at >= $3::timestamptz AND r.sync_run_id = $2
       AND r.country_code IS NOT NULL AND r.party_id IS NOT NULL AND r.object_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [connectionId, runId, runStartedAt.toISOString()],
  );
}

/** Drops the keys run `runId` remembered (its end, whatever its outcome). */
export async function forgetSeen(m: Pick<EntityManager, 'query'>, runId: string): Promise<void> {
  await m.query(`DELETE FROM sync_run_seen WHERE run_id = $1`, [runId]);
}

/**
 * Clears the absent mark of the rows of `table` (location or tariff) that `connectionId` holds under `keys` (jsonb
 * array of country_code, party_id, ocpi_id): listed or sent again. Cheap when nothing is absent: the partial index
 * of absent rows finds none (the statement runs on every batch).
 */
export async function clearAbsent(m: Pick<EntityManager, 'query'>, table: 'location' | 'tariff', connectionId: string, keys: string): Promise<void> {
  await m.query(
    `UPDATE ${table} t SET absent_since = NULL
     FROM jsonb_to_recordset($2::jsonb) AS x(country_code text, party_id text, ocpi_id text)
     WHERE t.connection_id = $1 AND t.absent_since IS NOT NULL
       AND t.country_code = x.country_code AND t.party_id = x.party_id AND t.ocpi_id = x.ocpi_id`,
    [connectionId, keys],
  );
}

/**
 * Drops the keys left by `connectionId`'s runs that are no longer RUNNING (a run whose instance died never reached its
 * own end). Cheap: the rows are found by run id.
 */
export async function forgetFinishedRuns(m: Pick<EntityManager, 'query'>, connectionId: string): Promise<void> {
  await m.query(
    `DELETE FROM sync_run_seen s WHERE s.run_id IN (SELECT DISTINCT x.run_id FROM sync_run_seen x JOIN sync_run r ON r.id = x.run_id
       WHERE r.connection_id = $1 AND r.status <> 'RUNNING')`,
    [connectionId],
  );
}
