// Loads a built function the way Lambda's Node.js runtime does, from its asset folder and its Handler
// property ("index.handler": index.mjs, export handler), and invokes it once with an event.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, handlerProperty, eventJson] = process.argv.slice(2);
const [file, name] = handlerProperty.split('.');
const module = await import(pathToFileURL(join(dir, `${file}.mjs`)).href);
const started = Date.now();
const context = {
  awsRequestId: `smoke-${process.pid}`,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  getRemainingTimeInMillis: () => 60_000 - (Date.now() - started),
};
const result = await module[name](JSON.parse(eventJson), context);
process.stdout.write(`\nRESULT ${JSON.stringify(result ?? null)}\n`);
