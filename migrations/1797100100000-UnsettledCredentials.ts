import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A credentials update (PUT, either way) whose outcome one side may not know (credentials §PUT: the answer carries
 * the new token; an error answer or a lost one leaves the sender guessing whether the receiver applied it):
 * - our_pending_token_hash (existing) now also holds, after such an update, the other token of ours the CPO may hold,
 *   accepted alongside the current one until the CPO uses one of them;
 * - their_fallback_token_encrypted: the other token the CPO may accept from us, tried when the current one gets
 *   HTTP 401, dropped as soon as one of them works;
 * - token_rotation / token_rotation_at: which update is open or unsettled, since when;
 * - needs_attention: when no token we hold works any more, what happened and what operations must do.
 */
export class UnsettledCredentials1797100100000 implements MigrationInterface {
  name = 'UnsettledCredentials1797100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection
      ADD COLUMN their_fallback_token_encrypted text,
      ADD COLUMN token_rotation text CHECK (token_rotation IN ('OURS_OPEN', 'OURS_UNSETTLED', 'THEIRS_UNSETTLED')),
      ADD COLUMN token_rotation_at timestamptz,
      ADD COLUMN needs_attention jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection DROP COLUMN their_fallback_token_encrypted, DROP COLUMN token_rotation,
      DROP COLUMN token_rotation_at, DROP COLUMN needs_attention`);
  }
}
