import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A hostile PostgreSQL server: it asks for the password in clear text (AuthenticationCleartextPassword),
 * then refuses it with an error that quotes it back, in the form the database name asks for.
 */
export async function startEchoPg(echo: (password: string, database: string) => string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((socket) => serve(socket, echo));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function serve(socket: Socket, echo: (password: string, database: string) => string): void {
  let buffered = Buffer.alloc(0);
  let database = '';
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!database) {
      if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
      const length = buffered.readInt32BE(0);
      const params = buffered.subarray(8, length).toString('utf8').split('\0');
      database = params[params.indexOf('database') + 1] ?? 'plain';
      buffered = buffered.subarray(length);
      socket.write(message('R', int32(3)));
    }
    if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
    const password = buffered.subarray(5, buffered.readInt32BE(1)).toString('utf8').replace(/\0$/, '');
    const fields = [`SFATAL`, `VFATAL`, `C28P01`, `Mpassword authentication failed: got ${echo(password, database)}`].map((f) => `${f}\0`).join('');
    socket.end(message('E', Buffer.from(`${fields}\0`)));
  });
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const message = (type: string, body: Buffer) => Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
