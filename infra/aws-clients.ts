import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsClient } from '../shared/aws/ports.js';

const AWS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'aws');

/** The AWS adapters: the files of shared/aws that export `sdkPort`, named as `uses` names them. */
export const AWS_CLIENTS: readonly AwsClient[] = readdirSync(AWS_FOLDER)
  .filter((file) => file.endsWith('.ts') && /^export const sdkPort\b/m.test(readFileSync(join(AWS_FOLDER, file), 'utf8')))
  .map((file) => file.replace(/\.ts$/, '') as AwsClient)
  .sort();
