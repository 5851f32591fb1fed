import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { CfnIdentityPool, CfnIdentityPoolRoleAttachment } from 'aws-cdk-lib/aws-cognito';
import { FederatedPrincipal, Grant, type IGrantable, type PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { KakaoAuthHandlerOptions } from '../auth/handler-options.js';
import { acknowledgeRules } from './acknowledge.js';
import { createGameFunction, type GameFunctionSettings } from './game-function.js';
import { GameHttpApi } from './game-http-api.js';
import type { JsonHandlerOptions } from './json-options.js';

/** Options of {@link GameAuth}. */
export interface GameAuthProps {
  /** Kakao app ids whose access tokens are accepted (at least one); tokens of other apps get 403. */
  kakaoAppIds: readonly number[];
  /** The identity pool's developer provider; default `<stack name>.auth`. Cannot change once the pool exists. */
  developerProviderName?: string;
  /** Default `<stack name>_players` (letters, digits, spaces and underscores only). */
  identityPoolName?: string;
  /** The HTTP API to add `POST /auth/kakao` to; default a new {@link GameHttpApi}. */
  httpApi?: GameHttpApi;
  /**
   * Default `RETAIN`: the pool maps Kakao users to the identity ids their data is stored under; a new pool gives
   * every player a new id.
   */
  removalPolicy?: RemovalPolicy;
  /** Anything else `createKakaoAuthHandler` accepts (JSON values only), e.g. `{ tokenDurationSeconds: 900 }`. */
  handlerOptions?: JsonHandlerOptions<KakaoAuthHandlerOptions>;
  functionSettings?: GameFunctionSettings;
}

const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';

/**
 * Kakao sign-in: a Cognito identity pool with a developer provider and no unauthenticated role, the players' IAM
 * role (no permission until you grant one), and `POST /auth/kakao`, which turns a Kakao access token into a
 * Cognito identity and OpenID token.
 *
 * @example
 * ```ts
 * import { GameAuth } from 'serverless-game-kit/cdk';
 *
 * const auth = new GameAuth(this, 'Auth', { kakaoAppIds: [123456] });
 * scores.grantInvoke(auth.playerRole);
 * ```
 */
export class GameAuth extends Construct {
  readonly identityPool: CfnIdentityPool;
  /** The pool id (`<region>:<uuid>`). */
  readonly identityPoolId: string;
  readonly identityPoolArn: string;
  readonly developerProviderName: string;
  /** Assumable only with a token of this pool whose `amr` says authenticated; no permission of its own. */
  readonly playerRole: Role;
  readonly function: LambdaFunction;
  readonly httpApi: GameHttpApi;
  /** `https://…/auth/kakao`: `KakaoCognitoAuth`'s `authEndpoint`. */
  readonly authEndpoint: string;

  constructor(scope: Construct, id: string, props: GameAuthProps) {
    super(scope, id);
    if (props.kakaoAppIds.length === 0) throw new Error('GameAuth needs at least one Kakao app id.');
    const stackName = Stack.of(this).stackName;
    this.developerProviderName = props.developerProviderName ?? `${stackName}.auth`;
    this.identityPool = new CfnIdentityPool(this, 'IdentityPool', {
      identityPoolName: props.identityPoolName ?? `${stackName.replace(/[^\w ]/g, '_')}_players`,
      developerProviderName: this.developerProviderName,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
    });
    this.identityPool.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.identityPoolId = this.identityPool.ref;
    this.identityPoolArn = Stack.of(this).formatArn({
      service: 'cognito-identity',
      resource: 'identitypool',
      resourceName: this.identityPool.ref,
    });

    this.playerRole = new Role(this, 'PlayerRole', {
      description: 'Players signed in through Kakao (Cognito authenticated identities)',
      assumedBy: new FederatedPrincipal(
        COGNITO_IDENTITY,
        {
          StringEquals: { [`${COGNITO_IDENTITY}:aud`]: this.identityPool.ref },
          'ForAnyValue:StringLike': { [`${COGNITO_IDENTITY}:amr`]: 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });
    new CfnIdentityPoolRoleAttachment(this, 'Roles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.playerRole.roleArn },
    });

    this.function = createGameFunction(this, 'AuthFunction', {
      name: 'auth',
      description: 'POST /auth/kakao: Kakao access token → Cognito identity',
      // Above the handler's 3 s Kakao timeout plus a Cognito call.
      timeout: Duration.seconds(10),
      options: {
        ...props.handlerOptions,
        identityPoolId: this.identityPoolId,
        developerProviderName: this.developerProviderName,
        kakaoAppIds: [...props.kakaoAppIds],
      },
      settings: props.functionSettings,
    });
    this.grantIssueTokens(this.function);

    this.httpApi = props.httpApi ?? new GameHttpApi(this, 'HttpApi');
    const routes = this.httpApi.api.addRoutes({
      path: '/auth/kakao',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('AuthIntegration', this.function),
    });
    for (const route of routes) {
      acknowledgeRules(route, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Signing in is public by nature: the handler accepts only Kakao tokens of the configured apps, and the ' +
            'stage is throttled.',
        },
      ]);
    }
    this.authEndpoint = `${this.httpApi.url}/auth/kakao`;
  }

  /**
   * Lets a principal issue Cognito tokens for developer-authenticated identities of this pool (the auth function
   * has it).
   *
   * @param grantee - E.g. your own sign-in function.
   * @returns The grant.
   * @example
   * ```ts
   * auth.grantIssueTokens(myOtherLoginFunction);
   * ```
   */
  grantIssueTokens(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['cognito-identity:GetOpenIdTokenForDeveloperIdentity'],
      resourceArns: [this.identityPoolArn],
    });
  }

  /**
   * Adds a permission to every signed-in player's credentials; keep it to what a game client needs.
   *
   * @param statement - What players may do.
   * @example
   * ```ts
   * auth.allowPlayers(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [routeArn] }));
   * ```
   */
  allowPlayers(statement: PolicyStatement): void {
    this.playerRole.addToPolicy(statement);
  }
}
