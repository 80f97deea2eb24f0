// fauxqs, an SNS/SQS emulator, on a free loopback port; it needs Node.js 22 (node:sqlite), so the
// tests run it in a child process. Prints the address it listens on, then serves until killed.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false, defaultRegion: 'eu-west-1' });
process.stdout.write(`READY ${server.address}\n`);
