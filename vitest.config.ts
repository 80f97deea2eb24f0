import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs Node.js 22 (Lambda's runtime) for the built-function tests, however the tests are run.
    globalSetup: ['test/support/global-setup.ts'],
    // Most files wait on processes, servers and sockets rather than the CPU: two at a time even on 2 cores
    // (vitest would run one there). Integration tests start real loopback servers; these limits keep them from starving.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
