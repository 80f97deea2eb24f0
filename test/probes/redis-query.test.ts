import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerBin, startLocalRedis, type LocalRedis } from '../../app/local/redis.js';
import { redisReadProblem } from '../../shared/db/redis-query.js';
import { runOne } from '../support/checks.js';

// A team's own reads of Redis, against a real redis-server: a queue's length, a counter the app keeps.
const PASSWORD = 'rq-admin-Pw-5tW8';
const hasRedis = Boolean(redisServerBin());

describe.skipIf(!hasRedis)('redis query measure', () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startLocalRedis({ password: PASSWORD });
    const admin = createClient({ socket: { host: '127.0.0.1', port: redis.ports[0]! }, password: PASSWORD });
    await admin.connect();
    for (let i = 0; i < 12; i++) await admin.rPush('queue:emails', `mail-${i}`);
    await admin.set('orders:failed-today', '3');
    await admin.set('orders:last-error', 'timeout talking to the payment gateway');
    await admin.sendCommand(['ACL', 'SETUSER', 'no-llen', 'on', '>no-llen-Pw-62', '~*', '+@all', '-llen']);
    admin.destroy();
  });
  afterAll(() => redis?.stop());

  const read = (query: Record<string, unknown>, extra: object = {}) =>
    runOne({ kind: 'redis', target: redis.target, password: { value: PASSWORD }, measure: 'query', query, ...extra } as never);

  it("judges a queue's length and a counter against their limits", async () => {
    expect(await read({ name: 'emails queued', command: ['LLEN', 'queue:emails'], warnAbove: 10, failAbove: 100 })).toMatchObject({
      status: 'warn',
      summary: 'emails queued: 12 (over 10)',
      observed: { value: 12 },
    });
    expect(await read({ name: 'orders failed today', command: ['get', 'orders:failed-today'], failAbove: 5 })).toMatchObject({
      status: 'ok',
      summary: 'orders failed today: 3',
    });
    expect(await read({ name: 'keys', command: ['DBSIZE'], failBelow: 1 })).toMatchObject({ status: 'ok', observed: { value: 3 } });
  });

  it('says it could not tell, never passes, on a value that is not a number, a missing key or a command its user may not send', async () => {
    expect(await read({ name: 'last error', command: ['GET', 'orders:last-error'], failAbove: 0 })).toMatchObject({
      status: 'error',
      summary: 'last error: expected a number in the first column of the first row, got "timeout talking to the payment gateway"',
    });
    expect(await read({ name: 'gone', command: ['GET', 'no-such-key'], failAbove: 0 })).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('got no row'),
    });
    const denied = await read(
      { name: 'emails queued', command: ['LLEN', 'queue:emails'], failAbove: 0 },
      { user: 'no-llen', password: { value: 'no-llen-Pw-62' } },
    );
    expect(denied).toMatchObject({ status: 'error', summary: expect.stringMatching(/NOPERM.*ACL SETUSER no-llen \+llen/) });
    expect(JSON.stringify(denied)).not.toContain('no-llen-Pw-62');
  });

  it('refuses at load a command that writes or is not one number, naming the field', async () => {
    await expect(read({ name: 'drain', command: ['DEL', 'queue:emails'], failAbove: 0 })).rejects.toThrow(
      /checks\[0\]\.query\.command\[0\]: DEL is not a read of one number/,
    );
    expect(redisReadProblem(['FLUSHALL'])).toMatch(/FLUSHALL is not a read/);
    expect(redisReadProblem(['EVAL', 'return 1', '0'])).toMatch(/EVAL is not a read/);
    await expect(read({ name: 'no limits', command: ['LLEN', 'queue:emails'] })).rejects.toThrow(
      /checks\[0\]\.query\.failAbove: a value is judged against limits/,
    );
  });
});
