import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { VigilConfig } from '../shared/config/schema.js';
import { VigilFunction } from './constructs/vigil-function.js';
import { needsOf } from './needs.js';
import { runChecksTimeout } from './vigil.js';
import { regionProbeName } from './regions.js';

export interface VigilRegionStackProps extends StackProps {
  config: VigilConfig;
  environmentName: string;
  /** The region it is deployed in: its `env.region`. */
  region: string;
}

/**
 * Vigil in one more region: a function that runs, for the run-checks function at home, the checks that
 * name this region, and returns their findings. It holds no state and tells nobody: home records and judges.
 */
export class VigilRegionStack extends Stack {
  readonly probe: VigilFunction;

  constructor(scope: Construct, id: string, props: VigilRegionStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: props.region } });
    const checks = props.config.checks.filter((c) => c.fromRegions?.includes(props.region));
    // What its checks load, but the asking of other regions, which only home does.
    const { drivers, aws, kinds, files } = needsOf(checks.map(({ fromRegions: _asked, ...check }) => check));
    this.probe = new VigilFunction(this, 'Probe', {
      name: 'region-probe',
      config: props.config,
      functionName: regionProbeName(props.environmentName),
      timeout: runChecksTimeout(props.config),
      deadLetterQueue: undefined,
      drivers,
      aws,
      kinds,
      files,
    });
  }
}
