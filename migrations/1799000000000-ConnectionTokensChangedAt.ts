import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cpo_connection.tokens_changed_at: when the credentials tokens in use with the CPO were last exchanged (registration
 * either way, a credentials PUT either way), for the token's age on the console and in the connection view. Set by a
 * trigger whenever our_token_hash takes a new value (every exchange gives the CPO a new token of ours), so every
 * writer, whatever its path, is covered; a re-encryption of the CPO's token under a new TOKEN_ENCRYPTION_KEY changes
 * no token and leaves it alone. Existing rows start from registered_at (else created_at).
 */
export class ConnectionTokensChangedAt1799000000000 implements MigrationInterface {
  name = 'ConnectionTokensChangedAt1799000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection ADD COLUMN tokens_changed_at timestamptz`);
    await q.query(`UPDATE cpo_connection SET tokens_changed_at = coalesce(registered_at, created_at) WHERE our_token_hash IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION cpo_connection_note_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.our_token_hash IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.our_token_hash IS DISTINCT FROM OLD.our_token_hash) THEN
          NEW.tokens_changed_at := now();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER cpo_connection_note_tokens_changed BEFORE INSERT OR UPDATE ON cpo_connection FOR EACH ROW EXECUTE FUNCTION cpo_connection_note_tokens_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS cpo_connection_note_tokens_changed ON cpo_connection`);
    await q.query(`DROP FUNCTION IF EXISTS cpo_connection_note_tokens_changed()`);
    await q.query(`ALTER TABLE cpo_connection DROP COLUMN IF EXISTS tokens_changed_at`);
  }
}
