import net from 'node:net';
import * as z from '../zod.js';
import type { Observation } from '../findings.js';
import { gradeUpper, upperLimits } from '../thresholds.js';
import { hostPortSchema, parseHostPort } from './host-port.js';
import { describeNetworkError } from './network-errors.js';
import { defineProbe } from './probe.js';

const settings = z.strictObject({
  /** `host:port`, e.g. `orders-db.internal:5432`. */
  target: hostPortSchema(true),
  thresholds: z.prefault(
    z.strictObject({
      /** Time to connect. Default: warn 250 ms, fail 1000 ms. */
      connectMs: upperLimits(250, 1000),
    }),
    {},
  ),
});

export const tcpProbe = defineProbe({
  kind: 'tcp',
  regional: true,
  example: { target: 'orders-db.internal:5432' },
  description: 'Opens a TCP connection; checks the port accepts it, quickly.',
  uses: {},
  settings,
  describeTarget: (check) => check.target,
  secrets: () => [],
  async run(check, { signal }): Promise<Observation> {
    const { host, port } = parseHostPort(check.target);
    let connectMs: number;
    try {
      connectMs = await connect(host, port, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { status: 'fail', summary: `port ${port} closed: ${describeNetworkError(err)}`, observed: {} };
    }
    const status = gradeUpper(connectMs, check.thresholds.connectMs);
    return {
      status,
      summary: status === 'ok' ? `port ${port} open, connected in ${connectMs} ms` : `slow connect: ${connectMs} ms`,
      observed: { connectMs },
    };
  },
});

function connect(host: string, port: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host, port, signal });
    socket.once('connect', () => {
      resolve(Math.round(performance.now() - started));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
