import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnIdentityPool, CfnIdentityPoolRoleAttachment } from 'aws-cdk-lib/aws-cognito';
import { FederatedPrincipal, type IGrantable, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Options of {@link PlayerIdentity}. */
export interface PlayerIdentityProps {
  /** Names the pool: `<prefix> players`. */
  prefix: string;
  /** The developer provider the auth Lambda logs players in with (`GetOpenIdTokenForDeveloperIdentity`). */
  developerProviderName: string;
  /**
   * `RETAIN` keeps the pool when the stack is deleted: it maps Kakao users to the identity ids their scores are
   * stored under, and a new pool would give every player a new id. `DESTROY` in a sandbox.
   */
  removalPolicy: RemovalPolicy;
}

const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';

/**
 * The Cognito identity pool players sign in to (through the Kakao auth Lambda, as a developer-authenticated
 * identity) and the IAM role their credentials carry. The role starts with no permission at all; the stack adds
 * exactly what a player may do with {@link PlayerIdentity.allowPlayers}. There is no unauthenticated role:
 * guests get no AWS credentials.
 *
 * @example
 * ```ts
 * const identity = new PlayerIdentity(this, 'Players', { prefix: 'mygame', developerProviderName: 'mygame.auth' });
 * identity.allowPlayers(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [routeArn] }));
 * ```
 */
export class PlayerIdentity extends Construct {
  readonly pool: CfnIdentityPool;
  /** The authenticated role: assumable only with a Cognito token of this pool whose `amr` says authenticated. */
  readonly playerRole: Role;
  /** The pool id (`<region>:<uuid>`). */
  readonly identityPoolId: string;
  /** The pool's ARN, for `cognito-identity:GetOpenIdTokenForDeveloperIdentity`. */
  readonly identityPoolArn: string;

  constructor(scope: Construct, id: string, props: PlayerIdentityProps) {
    super(scope, id);
    this.pool = new CfnIdentityPool(this, 'Pool', {
      // Identity pool names allow letters, digits, spaces and underscores only.
      identityPoolName: `${props.prefix.replace(/-/g, '_')}_players`,
      developerProviderName: props.developerProviderName,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
    });
    this.pool.applyRemovalPolicy(props.removalPolicy);
    this.identityPoolId = this.pool.ref;
    this.identityPoolArn = Stack.of(this).formatArn({
      service: 'cognito-identity',
      resource: 'identitypool',
      resourceName: this.pool.ref,
    });

    this.playerRole = new Role(this, 'PlayerRole', {
      description: `Players of ${props.prefix} signed in through Kakao (Cognito authenticated identities)`,
      assumedBy: new FederatedPrincipal(
        COGNITO_IDENTITY,
        {
          StringEquals: { [`${COGNITO_IDENTITY}:aud`]: this.pool.ref },
          'ForAnyValue:StringLike': { [`${COGNITO_IDENTITY}:amr`]: 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });

    new CfnIdentityPoolRoleAttachment(this, 'Roles', {
      identityPoolId: this.pool.ref,
      roles: { authenticated: this.playerRole.roleArn },
    });
  }

  /**
   * Adds a permission to every signed-in player's credentials.
   *
   * @param statement - What players may do; keep it to the routes and resources a game client needs.
   */
  allowPlayers(statement: PolicyStatement): void {
    this.playerRole.addToPolicy(statement);
  }

  /**
   * Lets a principal (the auth Lambda) issue Cognito tokens for developer-authenticated identities of this pool.
   *
   * @param grantee - The auth Lambda.
   */
  grantIssueTokens(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cognito-identity:GetOpenIdTokenForDeveloperIdentity'],
        resources: [this.identityPoolArn],
      }),
    );
  }
}
