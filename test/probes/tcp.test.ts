import { describe, expect, it } from 'vitest';
import { startTcpTarget } from '../../app/local/servers.js';
import { runOne } from '../support/checks.js';

describe('tcpProbe', () => {
  it('is ok when the port accepts a connection', async () => {
    const db = await startTcpTarget();
    try {
      const finding = await runOne({ kind: 'tcp', target: `127.0.0.1:${db.port}` });
      expect(finding.status).toBe('ok');
      expect(finding.summary).toMatch(new RegExp(`^port ${db.port} open, connected in \\d+ ms$`));
      expect(finding.observed.connectMs).toBeGreaterThanOrEqual(0);
    } finally {
      await db.close();
    }
  });

  it('fails when the port is closed', async () => {
    const db = await startTcpTarget();
    await db.close();
    const finding = await runOne({ kind: 'tcp', target: `127.0.0.1:${db.port}` });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe(`port ${db.port} closed: connection refused (ECONNREFUSED)`);
  });
});
