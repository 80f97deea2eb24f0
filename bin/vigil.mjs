#!/usr/bin/env node
// Loads TypeScript (the CLI and the user's vigil.config.ts) through tsx, then hands over.
import { register } from 'tsx/esm/api';

// The AWS SDK warns that its 2027 releases need Node 22; Lambda runs 22, a laptop on 20 still works today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../app/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
