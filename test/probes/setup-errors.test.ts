import { describe, expect, it } from 'vitest';
import { runOne, type TestCheck } from '../support/checks.js';

// One rule for every kind: a credential Vigil cannot read is its setup, an `error`; never a `fail` that pages
// as if the target were down. Nothing listens on port 9 here, so only the credential can be the reason.
const unset = { env: 'VIGIL_TEST_NEVER_SET' };
const CHECKS: [string, TestCheck][] = [
  ['http header', { kind: 'http', target: 'http://127.0.0.1:9/health', headers: { authorization: unset } }],
  ['http basic auth', { kind: 'http', target: 'http://127.0.0.1:9/health', basicAuth: { user: 'ops', password: unset } }],
  ['pg password', { kind: 'pg', target: '127.0.0.1:9/orders', password: unset, ssl: 'disable' }],
  ['redis password', { kind: 'redis', target: '127.0.0.1:9', password: unset }],
  ['mongo password', { kind: 'mongo', target: '127.0.0.1:9', user: 'vigil', password: unset, tls: false }],
];

describe('a credential that cannot be read', () => {
  it.each(CHECKS)('is an error naming its source, for the %s', async (_, check) => {
    expect(await runOne(check)).toMatchObject({ status: 'error', summary: expect.stringContaining('environment variable VIGIL_TEST_NEVER_SET is not set') });
  });
});
