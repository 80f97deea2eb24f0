import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfigFile } from '../shared/config/load.js';
import { ConfigError } from '../shared/errors.js';
import { cdkCommandLine, misplacedConfigFlag } from './cdk-command-line.js';
import { VigilStack } from './vigil-stack.js';
import { VigilRegionStack } from './region-stack.js';
import { regionsOf } from './regions.js';

// cdk synth -c environment=prod -c config=prod.config.ts -c account=123456789012 -c region=eu-west-1
const misplaced = misplacedConfigFlag(cdkCommandLine() ?? []);
if (misplaced) {
  console.error(misplaced);
  process.exit(2);
}

const app = new App();
const environmentName: string = app.node.tryGetContext('environment') ?? 'dev';
const configPath: string = app.node.tryGetContext('config') ?? 'vigil.config.ts';

let config;
try {
  config = await loadConfigFile(configPath);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

/**
 * Where to deploy: the context's account and region, or the CLI's credentials'. Without credentials
 * the CLI still offers us-east-1 as its region; taking it would write us-east-1 into every ARN of a
 * template that may be deployed anywhere, so such a synth stays environment-agnostic.
 */
function environment() {
  const account: string | undefined = app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region: string | undefined = app.node.tryGetContext('region') ?? (account ? process.env.CDK_DEFAULT_REGION : undefined);
  return { account, region };
}

/** `-c stateTable=<name> -c stateTableStream=<stream ARN>`: carry on with the table a destroyed deployment kept. */
function existingTable(name: string | undefined, streamArn: string | undefined) {
  if (!name && !streamArn) return {};
  if (!name || !streamArn) {
    console.error('give both -c stateTable=<table name> and -c stateTableStream=<its latest stream ARN> to reattach a kept state table');
    process.exit(2);
  }
  return { existingTable: { name, streamArn } };
}

// Every synth and deploy is checked; an unacknowledged finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

const home = new VigilStack(app, `Vigil-${environmentName}`, {
  config,
  environmentName,
  alertEmail: app.node.tryGetContext('alertEmail'),
  escalationEmail: app.node.tryGetContext('escalationEmail'),
  stakeholderEmail: app.node.tryGetContext('stakeholderEmail'),
  reserveConcurrency: app.node.tryGetContext('reserveConcurrency') === 'true' || app.node.tryGetContext('reserveConcurrency') === true,
  ...existingTable(app.node.tryGetContext('stateTable'), app.node.tryGetContext('stateTableStream')),
  env: environment(),
});

// A small stack in each other region a check names: its probe function, which run-checks at home asks.
// Deployed before home (`cdk deploy --all`), so home never asks a function that is not there yet.
const { account } = environment();
for (const region of regionsOf(config, environment().region))
  home.addStackDependency(new VigilRegionStack(app, `Vigil-${environmentName}-${region}`, { config, environmentName, region, env: { account } }));
