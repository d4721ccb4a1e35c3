import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, retryWhileDatabaseUnavailable } from './database-outage';

function serverError(code: string): QueryFailedError {
  const driverError = new DatabaseError('server said no', 0, 'error');
  driverError.code = code;
  return new QueryFailedError('SELECT 1', [], driverError);
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

/** Which failures mean "the database went away, the same work may succeed when it is back". */
describe('isDatabaseUnavailable', () => {
  it.each([
    ['a restart (57P01 admin_shutdown)', serverError('57P01')],
    ['a crash restart (57P02)', serverError('57P02')],
    ['a server still starting (57P03)', serverError('57P03')],
    ['a connection exception (class 08)', serverError('08006')],
    ['a connection cut under a query (no SQLSTATE)', new QueryFailedError('START TRANSACTION', [], new Error('Connection terminated unexpectedly'))],
    ['a refused connect', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
  ])('yes for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', serverError('23505')],
    ['a syntax error (42601)', serverError('42601')],
    ['a bug of ours', new TypeError('x is undefined')],
    ['an error with another code', socketError('ERR_INVALID_ARG_TYPE')],
    ['not an error', 'oops'],
  ])('no for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('retryWhileDatabaseUnavailable', () => {
  it('runs the work again while the database is unavailable, then returns its result', async () => {
    let calls = 0;
    const result = await retryWhileDatabaseUnavailable(() => {
      calls += 1;
      return calls < 3 ? Promise.reject(serverError('57P01')) : Promise.resolve('stored');
    }, 5000);
    expect([result, calls]).toEqual(['stored', 3]);
  });

  it('throws at once an error about the statement itself', async () => {
    let calls = 0;
    const work = () => {
      calls += 1;
      return Promise.reject(serverError('23505'));
    };
    await expect(retryWhileDatabaseUnavailable(work, 5000)).rejects.toBeInstanceOf(QueryFailedError);
    expect(calls).toBe(1);
  });

  it('gives up with the last error when the database stays away longer than allowed', async () => {
    let calls = 0;
    const work = () => {
      calls += 1;
      return Promise.reject(socketError('ECONNREFUSED'));
    };
    await expect(retryWhileDatabaseUnavailable(work, 600)).rejects.toThrow('connect ECONNREFUSED');
    expect(calls).toBeGreaterThan(1);
  });
});
