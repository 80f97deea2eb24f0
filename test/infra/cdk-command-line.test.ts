import { describe, expect, it } from 'vitest';
import { misplacedConfigFlag } from '../../infra/cdk-command-line.js';

describe('misplacedConfigFlag', () => {
  it.each([
    [['node', '/p/node_modules/.bin/cdk', 'deploy', '--config', 'prod.config.ts'], 'npx cdk deploy -c config=prod.config.ts'],
    [['node', '/p/node_modules/.bin/cdk', 'synth', '--config=prod.config.ts', '--quiet'], 'npx cdk synth -c config=prod.config.ts'],
    [['node', '/usr/lib/node_modules/aws-cdk/bin/cdk', 'diff', '--config'], 'npx cdk diff -c config=my.config.ts'],
  ])('refuses %j, naming %s', (argv, form) => {
    expect(misplacedConfigFlag(argv)).toContain(form);
  });

  it('lets the context form and other flags through', () => {
    expect(misplacedConfigFlag(['node', 'cdk', 'deploy', '-c', 'config=prod.config.ts', '--require-approval', 'never'])).toBeUndefined();
    expect(misplacedConfigFlag([])).toBeUndefined();
  });
});
