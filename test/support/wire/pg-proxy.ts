import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL on loopback, for losing answers: a client message whose text
 * matches `loseAnswerTo` is forwarded to the server, which carries it out, and the connection is cut
 * before its answer comes back. Everything else passes through.
 */
export class PgProxy {
  /** Client messages matching the pattern, as the server received them. */
  readonly forwarded: string[] = [];
  loseAnswerTo: RegExp | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly upstream: { host: string; port: number }) {
    this.server = createServer((client) => this.pipe(client));
  }

  static async start(upstream: { host: string; port: number }): Promise<PgProxy> {
    const proxy = new PgProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private pipe(client: Socket): void {
    const server = connect(this.upstream.port, this.upstream.host);
    this.sockets.add(client).add(server);
    let losing = false;
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (this.loseAnswerTo?.test(text)) {
        this.forwarded.push(text);
        losing = true;
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => {
      // The server has answered what was to be lost: the client never hears it.
      if (losing) client.destroy();
      else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
