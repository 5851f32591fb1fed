/**
 * The CDK app: `npx cdk deploy -c kakaoAppIds=123456 -c prefix=mygame` (run from `examples/deploy`).
 */
import { App } from 'aws-cdk-lib';
import { addGameKitStack } from '../lib/app.js';
import { DeploySettingsError } from '../lib/settings.js';

const app = new App();
try {
  addGameKitStack(app);
} catch (error) {
  if (!(error instanceof DeploySettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
