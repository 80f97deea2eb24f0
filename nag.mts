import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { VigilStack } from './infra/vigil-stack.js';
import { loadConfigFile } from './shared/config/load.js';
const app = new App({ outdir: '/tmp/nag-out' });
new VigilStack(app, 'Nag', { config: await loadConfigFile('vigil.config.ts'), environmentName: 'test' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
try { app.synth(); console.log('synth ok'); } catch (e) { console.log('THROWN', (e as Error).message.slice(0, 3000)); }
