import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { BSON, type Document } from 'mongodb';

/**
 * A scripted MongoDB server on loopback: it speaks the wire protocol (OP_MSG, and OP_QUERY for the
 * legacy handshake) and SCRAM authentication, and answers each command with a recorded reply. It lets
 * the real driver run Vigil's commands where no MongoDB or DocumentDB server can be installed.
 */
export interface MongoScript {
  /** Users the server accepts. Without any, no authentication is asked for. */
  users?: Record<string, string>;
  /** What the server offers: MongoDB offers SCRAM-SHA-256, DocumentDB SCRAM-SHA-1. */
  mechanism?: 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
  /** 21 is MongoDB 7.0; DocumentDB 5.0 reports 13. */
  maxWireVersion?: number;
  /** Serve TLS with this certificate. */
  tls?: { cert: string; key: string };
  /** A reply per command name; a function sees the command (and may wait, to simulate a slow server). */
  replies: Record<string, Document | ((command: Document) => Document | Promise<Document>)>;
}

export interface ScriptedMongo {
  host: string;
  port: number;
  /** Every command the driver sent after its handshake and authentication, in order. */
  commands: Document[];
  stop(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HANDSHAKE = new Set(['hello', 'isMaster', 'ismaster']);
const ITERATIONS = 4096;

/** A mongo check of the scripted server, as vigil.config.ts would declare it: user `vigil`, no TLS, straight to it. */
export function scriptedMongoCheck(server: ScriptedMongo, password: string, measure: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'mongo' as const,
    target: `${server.host}:${server.port}`,
    user: 'vigil',
    password: { value: password },
    tls: false,
    directConnection: true,
    measure,
    ...extra,
  };
}

export async function startScriptedMongo(script: MongoScript): Promise<ScriptedMongo> {
  const commands: Document[] = [];
  const sockets = new Set<Socket>();
  let connectionId = 0;
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    serve(socket, script, ++connectionId, commands);
  };
  const server: Server = script.tls ? createTlsServer({ cert: script.tls.cert, key: script.tls.key }, onConnection) : createTcpServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    commands,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function serve(socket: Socket, script: MongoScript, connectionId: number, log: Document[]): void {
  const auth = new ScramConversation(script);
  let buffered = Buffer.alloc(0);
  let queue = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
      const message = buffered.subarray(0, buffered.readInt32LE(0));
      buffered = buffered.subarray(message.length);
      // One reply at a time, in order, as a server answers one connection.
      queue = queue.then(() => answer(message)).catch(() => void socket.destroy());
    }
  });

  async function answer(message: Buffer): Promise<void> {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    const command = opCode === OP_MSG ? readOpMsg(message) : opCode === OP_QUERY ? readOpQuery(message) : undefined;
    if (!command) throw new Error(`opcode ${opCode} is not scripted`);
    const reply = await respond(command);
    if (socket.destroyed) return;
    socket.write(opCode === OP_MSG ? writeOpMsg(requestId, reply) : writeOpReply(requestId, reply));
  }

  async function respond(command: Document): Promise<Document> {
    const name = Object.keys(command)[0]!;
    if (HANDSHAKE.has(name)) return hello(script, connectionId, command);
    if (name === 'saslStart' || name === 'saslContinue') return auth.step(command);
    if (name === 'endSessions') return { ok: 1 };
    if (script.users && !auth.done) return { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: `command ${name} requires authentication` };
    log.push(command);
    const reply = script.replies[name];
    if (!reply) return { ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `no such command: '${name}'` };
    return typeof reply === 'function' ? reply(command) : reply;
  }
}

function hello(script: MongoScript, connectionId: number, command: Document): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: script.maxWireVersion ?? 21,
    readOnly: false,
    ...(script.users && command.saslSupportedMechs ? { saslSupportedMechs: [script.mechanism ?? 'SCRAM-SHA-256'] } : {}),
    ok: 1,
  };
}

/** The server's half of RFC 5802 SCRAM, as MongoDB runs it in saslStart / saslContinue. */
class ScramConversation {
  done = false;
  private expected?: { user: string; authMessage: string; salted: Buffer };

  constructor(private readonly script: MongoScript) {}

  step(command: Document): Document {
    const payload = Buffer.from((command.payload as BSON.Binary).buffer).toString('utf8');
    return command.saslStart ? this.start(command.mechanism as string, payload) : this.finish(payload);
  }

  private start(mechanism: string, clientFirst: string): Document {
    const offered = this.script.mechanism ?? 'SCRAM-SHA-256';
    if (mechanism !== offered) return failure(`Received authentication for mechanism ${mechanism} which is not enabled`, 334, 'MechanismUnavailable');
    const bare = clientFirst.replace(/^n,,/, '');
    const fields = Object.fromEntries(bare.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const user = (fields.n ?? '').replaceAll('=2C', ',').replaceAll('=3D', '=');
    const nonce = `${fields.r}${randomBytes(24).toString('base64')}`;
    const salt = createHash('sha256').update(`salt:${user}`).digest().subarray(0, 16);
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
    const password = this.script.users?.[user];
    // An unknown user runs the same exchange and fails at the proof, as a real server does.
    const salted = this.salt(user, password ?? randomBytes(16).toString('hex'), salt);
    this.expected = { user, authMessage: `${bare},${serverFirst}`, salted };
    return { conversationId: 1, done: false, payload: new BSON.Binary(Buffer.from(serverFirst)), ok: 1 };
  }

  private finish(clientFinal: string): Document {
    if (!this.expected) return failure('no SASL conversation in progress', 17, 'ProtocolError');
    const withoutProof = clientFinal.replace(/,p=[^,]*$/, '');
    const proof = Buffer.from(/,p=([^,]*)$/.exec(clientFinal)?.[1] ?? '', 'base64');
    const authMessage = `${this.expected.authMessage},${withoutProof}`;
    const clientKey = this.hmac(this.expected.salted, 'Client Key');
    const signature = this.hmac(this.hash(clientKey), authMessage);
    const claimed = Buffer.from(proof.map((b, i) => b ^ (signature[i] ?? 0)));
    if (claimed.length !== clientKey.length || !timingSafeEqual(this.hash(claimed), this.hash(clientKey)))
      return failure('Authentication failed.', 18, 'AuthenticationFailed');
    this.done = true;
    const serverSignature = this.hmac(this.hmac(this.expected.salted, 'Server Key'), authMessage);
    return { conversationId: 1, done: true, payload: new BSON.Binary(Buffer.from(`v=${serverSignature.toString('base64')}`)), ok: 1 };
  }

  private get algorithm() {
    return this.script.mechanism === 'SCRAM-SHA-1' ? 'sha1' : 'sha256';
  }

  private salt(user: string, password: string, salt: Buffer): Buffer {
    // SCRAM-SHA-1 in MongoDB hashes the MONGODB-CR digest, not the password itself.
    const secret = this.algorithm === 'sha1' ? createHash('md5').update(`${user}:mongo:${password}`).digest('hex') : password;
    return pbkdf2Sync(secret, salt, ITERATIONS, this.algorithm === 'sha1' ? 20 : 32, this.algorithm);
  }

  private hmac(key: Buffer, text: string): Buffer {
    return createHmac(this.algorithm, key).update(text).digest();
  }

  private hash(data: Buffer): Buffer {
    return createHash(this.algorithm).update(data).digest();
  }
}

const failure = (errmsg: string, code: number, codeName: string) => ({ ok: 0, errmsg, code, codeName });

function readOpMsg(message: Buffer): Document {
  let offset = 20; // header (16) + flagBits (4)
  let body: Document | undefined;
  while (offset < message.length) {
    const kind = message.readUInt8(offset++);
    const size = message.readInt32LE(offset);
    if (kind === 0) body = BSON.deserialize(message.subarray(offset, offset + size), { promoteBuffers: false });
    offset += size; // kind 1 (document sequences) carry write batches; Vigil's commands send none
  }
  if (!body) throw new Error('OP_MSG without a body');
  return body;
}

function readOpQuery(message: Buffer): Document {
  const nameEnd = message.indexOf(0, 20);
  const documentAt = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const query = BSON.deserialize(message.subarray(documentAt, documentAt + message.readInt32LE(documentAt)));
  // The legacy handshake may wrap the command in $query.
  return (query.$query as Document | undefined) ?? query;
}

function writeOpMsg(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const head = header(21 + body.length, responseTo, OP_MSG, 5);
  head.writeUInt32LE(0, 16); // flagBits
  head.writeUInt8(0, 20); // section kind 0: the body
  return Buffer.concat([head, body]);
}

function writeOpReply(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const head = header(36 + body.length, responseTo, OP_REPLY, 20);
  head.writeInt32LE(0, 16); // responseFlags
  head.writeBigInt64LE(0n, 20); // cursorID
  head.writeInt32LE(0, 28); // startingFrom
  head.writeInt32LE(1, 32); // numberReturned
  return Buffer.concat([head, body]);
}

/** The standard message header, with room for `extra` bytes of the opcode's own fields after it. */
function header(length: number, responseTo: number, opCode: number, extra: number): Buffer {
  const head = Buffer.alloc(16 + extra);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(nextId(), 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

let lastId = 0;
const nextId = () => ++lastId;
