import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decryptWithAnyKey, encryptToken } from '../common/crypto/token-vault';
import { AppConfig } from '../config/app-config';

/**
 * Rotation of TOKEN_ENCRYPTION_KEY: started with a new key and TOKEN_ENCRYPTION_KEY_PREVIOUS set to the old one, an
 * instance re-encrypts, at start-up, every stored token still under the old key. Each row is re-read under a row lock
 * in its own transaction, so several instances starting together (or a token rewritten meanwhile by a handshake) never
 * lose a token: a row already under the new key is left alone. Until every row is done, both keys read.
 */
@Injectable()
export class TokenKeyRotation implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokenKeyRotation.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.tokenDecryptionKeys.length < 2) return;
    const moved = await this.reencryptUnderCurrentKey();
    this.logger.log(`TOKEN_ENCRYPTION_KEY rotation: ${moved} stored token(s) re-encrypted under the new key`);
  }

  /** Re-encrypts the tokens still under the previous key (the current token and the fallback of an unsettled rotation). @returns how many. */
  async reencryptUnderCurrentKey(): Promise<number> {
    const ids = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM cpo_connection WHERE their_token_encrypted IS NOT NULL OR their_fallback_token_encrypted IS NOT NULL ORDER BY id`,
    );
    let moved = 0;
    for (const { id } of ids) {
      moved += await this.db.transaction(async (m) => {
        const [row] = await m.query<Array<{ token: string | null; fallback: string | null }>>(
          `SELECT their_token_encrypted AS token, their_fallback_token_encrypted AS fallback FROM cpo_connection WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (!row) return 0;
        const token = this.underCurrentKey(row.token);
        const fallback = this.underCurrentKey(row.fallback);
        if (token === row.token && fallback === row.fallback) return 0;
        await m.query(`UPDATE cpo_connection SET their_token_encrypted = $2, their_fallback_token_encrypted = $3 WHERE id = $1`, [id, token, fallback]);
        return 1;
      });
    }
    return moved;
  }

  /** `sealed` as it is when the current key opens it, else opened with the previous key and sealed under the current. */
  private underCurrentKey(sealed: string | null): string | null {
    if (sealed === null) return null;
    const { token, keyIndex } = decryptWithAnyKey(sealed, this.config.tokenDecryptionKeys);
    return keyIndex === 0 ? sealed : encryptToken(token, this.config.tokenEncryptionKey);
  }
}
