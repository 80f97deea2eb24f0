import { describe, expect, it } from 'vitest';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import type { SecretsPort } from '../../shared/secrets/credentials.js';
import { runOne, type TestCheck } from '../support/checks.js';
import { pgCheck, useCluster } from '../support/postgres.js';

const SENTINEL = 'Sentinel-Pa55-9f3c';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-vigil-AbCdEf';

/** Secrets Manager as Powertools serves it: a cached value until asked for a fresh one. */
class CachedSecrets implements SecretsPort {
  stored = '';
  private cached: string | undefined;
  reads = 0;
  async getSecret(id: string, fresh: boolean) {
    expect(id).toBe(SECRET);
    if (fresh || this.cached === undefined) {
      this.reads += 1;
      this.cached = this.stored;
    }
    return this.cached;
  }
}

const cluster = useCluster({}, (admin) => admin.client.query(`CREATE ROLE vigil LOGIN PASSWORD '${SENTINEL}'; GRANT pg_monitor TO vigil`));

const secrets = new CachedSecrets();
const aws = { ecs: undefined, metrics: new BatchingMetrics(), secrets } as unknown as AwsPorts;
const check = (extra: Record<string, unknown>) =>
  runOne({ ...pgCheck(cluster.db, 'connections'), user: undefined, password: { secret: SECRET }, ...extra } as TestCheck, { aws });

describe('pg credentials', () => {
  it('reads the user and password from an RDS-style secret', async () => {
    secrets.stored = JSON.stringify({ username: 'vigil', password: SENTINEL, engine: 'postgres' });
    expect(await check({})).toMatchObject({ status: 'ok' });
  });

  it('never shows the password: not against a wrong port, not with a wrong password', async () => {
    const refused = await check({ target: '127.0.0.1:1/postgres' });
    secrets.stored = JSON.stringify({ username: 'vigil', password: `${SENTINEL}-wrong` });
    const rejected = await runOne({ ...pgCheck(cluster.db, 'connections'), user: 'vigil', password: { value: `${SENTINEL}-wrong` } } as TestCheck);
    expect(refused.status).toBe('fail');
    expect(rejected).toMatchObject({ status: 'fail', summary: 'cannot measure connections: password authentication failed for user "vigil" (SQLSTATE 28P01)' });
    expect(JSON.stringify([refused, rejected])).not.toContain(SENTINEL);
  });

  it('picks up a password rotated with ALTER ROLE after one fresh read, and not before it is needed', async () => {
    secrets.stored = JSON.stringify({ username: 'vigil', password: SENTINEL });
    await secrets.getSecret(SECRET, true);
    expect((await check({})).status).toBe('ok');
    const before = secrets.reads;
    expect((await check({})).status).toBe('ok');
    expect(secrets.reads).toBe(before); // served from the cache

    await cluster.admin.client.query(`ALTER ROLE vigil PASSWORD '${SENTINEL}-rotated'`);
    secrets.stored = JSON.stringify({ username: 'vigil', password: `${SENTINEL}-rotated` });
    expect(await check({})).toMatchObject({ status: 'ok' });
    expect(secrets.reads).toBe(before + 1);
  });

  it('says which source is missing, without a value', async () => {
    const missing = await runOne({ ...pgCheck(cluster.db, 'connectivity'), password: { env: 'VIGIL_TEST_UNSET_PASSWORD' } } as TestCheck);
    expect(missing).toMatchObject({ status: 'error', summary: expect.stringContaining('environment variable VIGIL_TEST_UNSET_PASSWORD is not set') });
  });
});
