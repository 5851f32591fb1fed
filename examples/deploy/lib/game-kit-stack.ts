import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { GameBackend, type GameFunctionSettings } from 'serverless-game-kit/cdk';
import { type DeployedGameConfig, KAKAO_LOGIN_FOLDER } from './game-config.js';
import type { DeploySettings } from './settings.js';

/** Options of {@link GameKitStack}. */
export interface GameKitStackProps extends StackProps {
  settings: DeploySettings;
  /** Where the handler bundles are; default the package's own (`npm run build` in this repository). */
  functionSettings?: GameFunctionSettings;
}

const KAKAO_LOGIN_PAGE_DIR = fileURLToPath(new URL('../../kakao-login/', import.meta.url));

/**
 * The whole backend with one `GameBackend`, plus what only this example has: the hosted Kakao login page at
 * `/login/` with its own `config.json`, and the game's `config.json` at the CDN root.
 *
 * @example
 * ```ts
 * new GameKitStack(app, 'mygame-game-kit', { settings: readDeploySettings((key) => app.node.tryGetContext(key)) });
 * ```
 */
export class GameKitStack extends Stack {
  readonly game: GameBackend;
  /** The game's `config.json` with the login page (CloudFormation tokens). */
  readonly gameConfig: DeployedGameConfig;

  constructor(scope: Construct, id: string, props: GameKitStackProps) {
    super(scope, id, props);
    const { settings } = props;
    Tags.of(this).add('serverless-game-kit', settings.prefix);

    this.game = new GameBackend(this, 'Game', {
      kakaoAppIds: settings.kakaoAppIds,
      sandbox: settings.sandbox,
      tableNamePrefix: `${settings.prefix}-`,
      ...(settings.allowedOrigins ? { allowedOrigins: settings.allowedOrigins } : {}),
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      auth: { developerProviderName: settings.developerProviderName },
      quiz: { requireToken: settings.quizRequireToken },
      patches: { patchPrefix: settings.patchPrefix },
      publishConfig: true,
      ...(props.functionSettings ? { functionSettings: props.functionSettings } : {}),
    });
    const cdnUrl = this.game.patches.url;
    this.gameConfig = {
      ...this.game.config,
      kakaoLoginPage: `${cdnUrl}/${KAKAO_LOGIN_FOLDER}/kakao-login.html`,
    };

    new BucketDeployment(this, 'KakaoLoginDeployment', {
      destinationBucket: this.game.patches.bucket,
      destinationKeyPrefix: `${KAKAO_LOGIN_FOLDER}/`,
      sources: [
        Source.asset(KAKAO_LOGIN_PAGE_DIR, { exclude: ['*.d.ts', 'config.example.json', 'config.json'] }),
        Source.jsonData('config.json', this.kakaoLoginConfig(settings, cdnUrl)),
      ],
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(5))],
      distribution: this.game.patches.distribution,
      distributionPaths: [`/${KAKAO_LOGIN_FOLDER}/*`],
      waitForDistributionInvalidation: false,
    });

    new CfnOutput(this, 'KakaoLoginPage', {
      value: this.gameConfig.kakaoLoginPage,
      description: 'Register it as a redirect URI in Kakao Developers',
    });
    new CfnOutput(this, 'PublishCommand', {
      value: `npx sgk patch publish <dir> --bucket ${this.game.patches.bucket.bucketName} --prefix ${settings.patchPrefix} --distribution-id ${this.game.patches.distribution.distributionId} --wait`,
      description: 'Publish a patch (with the publisher role credentials)',
    });
  }

  /** The login page's own `config.json` (`examples/kakao-login/config.example.json` documents the keys). */
  private kakaoLoginConfig(settings: DeploySettings, cdnUrl: string): Record<string, string> {
    const login = settings.kakaoLogin;
    if (login.javaScriptKey === undefined || login.restApiKey === undefined) {
      Annotations.of(this).addWarningV2(
        'serverless-game-kit:kakao-login-keys',
        'The Kakao login page needs -c kakaoJavaScriptKey=… -c kakaoRestApiKey=… (Kakao Developers → App → ' +
          'Platform keys); until then it shows "kakaoJavaScriptKey is missing".',
      );
    }
    const allowedOrigins = settings.allowedOrigins ?? [cdnUrl];
    const openerOrigin = login.openerOrigin ?? allowedOrigins.find((origin) => origin !== '*') ?? cdnUrl;
    return {
      ...(login.javaScriptKey === undefined ? {} : { kakaoJavaScriptKey: login.javaScriptKey }),
      ...(login.restApiKey === undefined ? {} : { kakaoRestApiKey: login.restApiKey }),
      redirect: login.redirect,
      ...(login.redirect === 'postMessage' ? { openerOrigin } : {}),
      authEndpoint: this.gameConfig.authEndpoint,
    };
  }
}
