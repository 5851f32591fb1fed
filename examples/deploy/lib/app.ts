import type { App } from 'aws-cdk-lib';
import type { GameFunctionSettings } from 'serverless-game-kit/cdk';
import { GameKitStack } from './game-kit-stack.js';
import { readDeploySettings } from './settings.js';

/**
 * Adds the serverless-game-kit stack to a CDK app, parameterised by the app's context (`-c kakaoAppIds=…
 * -c prefix=…`); the stack is named `<prefix>-game-kit`.
 *
 * @param app - The CDK app whose context holds the settings.
 * @param functionSettings - Where the handler bundles are (tests); default the package's own.
 * @returns The stack.
 * @throws {DeploySettingsError} when a context value is missing or malformed (before anything is built).
 * @example
 * ```ts
 * const app = new App({ context: { kakaoAppIds: '123456', prefix: 'mygame' } });
 * const stack = addGameKitStack(app);
 * ```
 */
export function addGameKitStack(app: App, functionSettings?: GameFunctionSettings): GameKitStack {
  const settings = readDeploySettings((key) => app.node.tryGetContext(key) as unknown);
  return new GameKitStack(app, `${settings.prefix}-game-kit`, {
    settings,
    description: `serverless-game-kit for ${settings.prefix}: Kakao sign-in, scores, quiz rooms, patches`,
    ...(functionSettings ? { functionSettings } : {}),
  });
}
