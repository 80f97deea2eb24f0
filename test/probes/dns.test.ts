import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type LocalTarget } from '../../app/local/servers.js';
import { runOne } from '../support/checks.js';

let dns: LocalTarget;
let server: string;

beforeAll(async () => {
  dns = await startDnsServer({
    'api.vigil.test': { A: ['10.0.0.5', '10.0.0.6'], AAAA: ['fd00::5'] },
  });
  server = `127.0.0.1:${dns.port}`;
});
afterAll(() => dns.close());

describe('dnsProbe', () => {
  it('is ok when the name resolves', async () => {
    const finding = await runOne({ kind: 'dns', target: 'api.vigil.test', server });
    expect(finding.status).toBe('ok');
    expect(finding.summary).toMatch(/^2 A in \d+ ms: 10\.0\.0\.5, 10\.0\.0\.6$/);
    expect(finding.evidence).toEqual({ answers: ['10.0.0.5', '10.0.0.6'] });
  });

  it('resolves AAAA records', async () => {
    const finding = await runOne({ kind: 'dns', target: 'api.vigil.test', recordType: 'AAAA', server, expect: ['fd00::5'] });
    expect(finding.status).toBe('ok');
  });

  it('fails when an expected record is missing', async () => {
    const finding = await runOne({ kind: 'dns', target: 'api.vigil.test', server, expect: ['10.0.0.9'] });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('missing 10.0.0.9 (got 10.0.0.5, 10.0.0.6)');
  });

  it('fails when the name does not exist', async () => {
    const finding = await runOne({ kind: 'dns', target: 'gone.vigil.test', server });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('A lookup failed: name not found (ENOTFOUND)');
  });

  it('fails within the timeout when the DNS server does not answer', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    try {
      const finding = await runOne({ kind: 'dns', target: 'api.vigil.test', server: `127.0.0.1:${silent.address().port}`, timeoutMs: 300 });
      expect(finding.status).toBe('fail');
      expect(finding.summary).toBe('no answer: timed out after 300 ms');
    } finally {
      silent.close();
    }
  });
});
