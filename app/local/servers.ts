import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** A server on loopback, on a free port, that closes every connection when stopped. */
export interface LocalTarget {
  host: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

async function listen(server: Server | HttpServer): Promise<LocalTarget> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: HOST,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function startHttpTarget(onRequest: RequestListener): Promise<LocalTarget> {
  return listen(createHttpServer(onRequest));
}

export function startHttpsTarget(tls: { cert: string; key: string }, onRequest: RequestListener): Promise<LocalTarget> {
  return listen(createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest));
}

/** A port that accepts connections and does nothing else, like a database's. */
export function startTcpTarget(): Promise<LocalTarget> {
  return listen(createTcpServer((socket) => socket.on('error', () => undefined)));
}

export type DnsRecords = Record<string, { A?: string[]; AAAA?: string[] }>;

/** A DNS server on loopback UDP answering from `records`; NXDOMAIN for any other name. */
export async function startDnsServer(records: DnsRecords): Promise<LocalTarget> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    const entry = question ? records[question.name.toLowerCase()] : undefined;
    const type = question?.type;
    const values = entry && (type === 'A' || type === 'AAAA') ? (entry[type] ?? []) : [];
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (entry ? 0 : 3), // rcode 3: NXDOMAIN
      questions: query.questions,
      answers: values.map((data) => ({ type: type as 'A', name: question!.name, ttl: 60, data })),
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, HOST, () => resolve()));
  return {
    host: HOST,
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
