import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Vigil, type VigilProps } from './vigil.js';

export { runChecksTimeout, Vigil, type VigilProps } from './vigil.js';

export interface VigilStackProps extends StackProps, VigilProps {}

/** Vigil on its own, as `cdk deploy` of this project makes it: one stack holding one `Vigil`. */
export class VigilStack extends Stack {
  readonly vigil: Vigil;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    // "Default" adds nothing to the logical ids: a stack deployed before Vigil was a construct keeps every resource, its table included.
    this.vigil = new Vigil(this, 'Default', props);
  }
}
