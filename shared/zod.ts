// Vigil's schemas use zod/mini: zod's validation and messages, at a fraction of classic zod's code on a
// cold start (bench/results.md). Unlike classic zod, mini loads no messages of its own: English is set here.
// Import it as a namespace (`import * as z`), which lets the bundler keep only what is used.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
