#!/usr/bin/env node
// Loads TypeScript (the CLI and the user's vigil.config.ts) through tsx, then hands over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
