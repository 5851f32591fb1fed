import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GAME_API_EXPOSED_HEADERS } from '../core/client/exposed-headers.js';

/** Requests per second and burst of an API stage. */
export interface ApiThrottle {
  /** Steady-state requests per second; default 100. */
  rateLimit: number;
  /** Burst; default 200. */
  burstLimit: number;
}

/** The default stage throttle: a cap on what abuse can cost. */
export const DEFAULT_API_THROTTLE: Readonly<ApiThrottle> = Object.freeze({ rateLimit: 100, burstLimit: 200 });

/** Options of {@link GameHttpApi}. */
export interface GameHttpApiProps {
  /** Default: the construct path. */
  apiName?: string;
  /**
   * Origins allowed to call the API from a browser; default `['*']` (requests are SigV4-signed and carry no
   * cookies, so any origin is safe; narrow it to your game's domain if you like).
   */
  allowedOrigins?: string[];
  /** Default {@link DEFAULT_API_THROTTLE}. */
  throttle?: ApiThrottle;
  /** Access logs retention; default one month. */
  accessLogRetention?: RetentionDays;
}

/** Headers a SigV4-signed browser request carries (the preflight must allow them). */
const SIGV4_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/**
 * The HTTP API that `GameAuth` (`POST /auth/kakao`) and `GameScores` (the score routes) add their routes to: a
 * throttled `$default` stage with access logs, and CORS preflights for SigV4-signed browser requests. Pass one to
 * both to serve them from one endpoint; each creates its own otherwise.
 *
 * @example
 * ```ts
 * import { GameAuth, GameHttpApi, GameScores } from 'serverless-game-kit/cdk';
 *
 * const api = new GameHttpApi(this, 'Api', { allowedOrigins: ['https://game.example.com'] });
 * const auth = new GameAuth(this, 'Auth', { kakaoAppIds: [123456], httpApi: api });
 * const scores = new GameScores(this, 'Scores', { httpApi: api });
 * ```
 */
export class GameHttpApi extends Construct {
  readonly api: HttpApi;
  /** The `$default` stage (auto-deployed). */
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** `https://<id>.execute-api.<region>.amazonaws.com` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GameHttpApiProps = {}) {
    super(scope, id);
    const throttle = props.throttle ?? DEFAULT_API_THROTTLE;
    this.api = new HttpApi(this, 'Api', {
      ...(props.apiName === undefined ? {} : { apiName: props.apiName }),
      description: 'serverless-game-kit: Kakao sign-in and scores',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: SIGV4_HEADERS,
        exposeHeaders: [...GAME_API_EXPOSED_HEADERS],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs) },
    });
    this.url = this.api.apiEndpoint;
  }
}
