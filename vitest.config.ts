import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs Node.js 22 (Lambda's runtime) for the built-function tests, however the tests are run.
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests start real loopback servers; keep them from starving each other on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
