import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AccessLevel,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AccountRootPrincipal, Grant, type IGrantable, type IPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRules, arnFinding } from './acknowledge.js';

/** Options of {@link GamePatchCdn}. */
export interface GamePatchCdnProps {
  /** Folder of patch releases in the bucket (`sgk patch publish --prefix`); default `update`. */
  patchPrefix?: string;
  /**
   * Default `RETAIN`: the bucket (every release, rollbacks included) outlives the stack. `DESTROY` also empties it
   * first (every object version), for a sandbox.
   */
  removalPolicy?: RemovalPolicy;
  /** Who may assume the publisher role; default principals of this account whose own policy allows it. */
  publisherPrincipal?: IPrincipal;
  /** Your domain on the distribution (with `certificate`, in us-east-1). */
  domainNames?: string[];
  certificate?: ICertificate;
  /** A WAF web ACL (global scope) to put in front of the distribution. */
  webAclId?: string;
  /** Bucket for S3 server access logs and CloudFront standard logs; default none. */
  logBucket?: IBucket;
}

/** The three cache policies of the patch layout. */
export interface PatchCachePolicies {
  /** `<prefix>/version.json`: at most 10 s, also invalidated on publish. */
  pointer: CachePolicy;
  /** `<prefix>/blobs/*`, `<prefix>/releases/*`: content-addressed, a year. */
  immutable: CachePolicy;
  /** Everything else: `versionId` in the cache key (each S3 version its own entry). */
  versioned: CachePolicy;
}

/**
 * Patch delivery: a private, versioned, encrypted, TLS-only bucket behind CloudFront with origin access control,
 * cache policies that follow the patch module's layout, and a publisher role with exactly what `sgk patch
 * publish` needs under the patch prefix.
 *
 * | path | policy |
 * |---|---|
 * | `<prefix>/version.json` | at most 10 s (the only mutable object; the publisher invalidates it) |
 * | `<prefix>/blobs/*`, `<prefix>/releases/*` | a year, no query string (content-addressed, never change) |
 * | everything else | `versionId` in the cache key (versionId mode fetches `?versionId=…`) |
 *
 * @example
 * ```ts
 * import { GamePatchCdn } from 'serverless-game-kit/cdk';
 *
 * const cdn = new GamePatchCdn(this, 'Patches', { patchPrefix: 'update' });
 * cdn.grantPublish(ciRole);
 * ```
 */
export class GamePatchCdn extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly cachePolicies: PatchCachePolicies;
  /** Assume it to publish patches. */
  readonly publisherRole: Role;
  readonly patchPrefix: string;
  /** `https://<distribution domain>`: `PatchUpdater`'s `cdnUrl`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GamePatchCdnProps = {}) {
    super(scope, id);
    this.patchPrefix = props.patchPrefix ?? 'update';
    if (!/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/.test(this.patchPrefix)) {
      throw new Error(
        `patchPrefix "${this.patchPrefix}" must be a folder like "update" (no leading or trailing /).`,
      );
    }
    const pointerKey = `${this.patchPrefix}/version.json`;
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'Bucket', {
      // versionId mode needs versions; content mode does not mind them.
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      autoDeleteObjects: destroy,
      ...(props.logBucket ? { serverAccessLogsBucket: props.logBucket, serverAccessLogsPrefix: 's3/' } : {}),
      lifecycleRules: [
        // An interrupted multipart upload keeps its parts (and their cost) until aborted.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Every publish overwrites the pointer; its old versions are never read. Nothing else expires: old
        // releases must stay complete (rollback, players mid-update, versionId mode).
        { id: 'expire-old-pointers', prefix: pointerKey, noncurrentVersionExpiration: Duration.days(30) },
      ],
    });

    this.cachePolicies = this.createCachePolicies();
    // READ_VERSIONED adds s3:GetObjectVersion: S3 needs it to answer GetObject with ?versionId=.
    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessLevels: [AccessLevel.READ, AccessLevel.READ_VERSIONED],
    });
    const behaviour = (cachePolicy: CachePolicy) => ({
      origin,
      cachePolicy,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      compress: true,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'serverless-game-kit: patches and game files',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(props.domainNames ? { domainNames: props.domainNames } : {}),
      ...(props.certificate ? { certificate: props.certificate } : {}),
      ...(props.webAclId ? { webAclId: props.webAclId } : {}),
      ...(props.logBucket
        ? { enableLogging: true, logBucket: props.logBucket, logFilePrefix: 'cloudfront/' }
        : {}),
      defaultBehavior: {
        ...behaviour(this.cachePolicies.versioned),
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: {
        [pointerKey]: behaviour(this.cachePolicies.pointer),
        [`${this.patchPrefix}/blobs/*`]: behaviour(this.cachePolicies.immutable),
        [`${this.patchPrefix}/releases/*`]: behaviour(this.cachePolicies.immutable),
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.publisherRole = new Role(this, 'PublisherRole', {
      description: `Publishes patches under ${this.patchPrefix}/ (sgk patch publish)`,
      assumedBy: props.publisherPrincipal ?? new AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(1),
    });
    this.grantPublish(this.publisherRole);
    this.acknowledgeRules(props);
  }

  /**
   * Gives a principal exactly what `sgk patch publish` needs: objects under the patch prefix (put, read, abort
   * multipart uploads, delete only to undo its own upload), listing the bucket (S3 answers a missing key with 404
   * only to callers allowed to list; the first publish needs that 404), and invalidating the distribution.
   *
   * @param grantee - E.g. your CI role.
   * @returns The grant of the object permissions.
   * @example
   * ```ts
   * cdn.grantPublish(ciRole);
   * ```
   */
  grantPublish(grantee: IGrantable): Grant {
    const objects = Grant.addToPrincipal({
      grantee,
      actions: [
        's3:PutObject',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
      ],
      resourceArns: [this.bucket.arnForObjects(`${this.patchPrefix}/*`)],
    });
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:GetBucketVersioning'],
      resourceArns: [this.bucket.bucketArn],
    });
    this.distribution.grantCreateInvalidation(grantee);
    Grant.addToPrincipal({
      grantee,
      actions: ['cloudfront:GetInvalidation'],
      resourceArns: [this.distribution.distributionArn],
    });
    return objects;
  }

  private createCachePolicies(): PatchCachePolicies {
    const common = {
      minTtl: Duration.seconds(0),
      cookieBehavior: CacheCookieBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    };
    return {
      pointer: new CachePolicy(this, 'PointerCachePolicy', {
        ...common,
        comment: 'serverless-game-kit patch pointer (version.json): short TTL, also invalidated on publish',
        defaultTtl: Duration.seconds(10),
        maxTtl: Duration.seconds(10),
        queryStringBehavior: CacheQueryStringBehavior.none(),
      }),
      immutable: new CachePolicy(this, 'ImmutableCachePolicy', {
        ...common,
        comment: 'serverless-game-kit patch blobs and release manifests: immutable, cached a year',
        defaultTtl: Duration.days(365),
        maxTtl: Duration.days(365),
        queryStringBehavior: CacheQueryStringBehavior.none(),
      }),
      versioned: new CachePolicy(this, 'VersionedCachePolicy', {
        ...common,
        comment:
          'serverless-game-kit objects by S3 versionId: the versionId query string is in the cache key',
        defaultTtl: Duration.days(1),
        maxTtl: Duration.days(365),
        queryStringBehavior: CacheQueryStringBehavior.allowList('versionId'),
      }),
    };
  }

  private acknowledgeRules(props: GamePatchCdnProps): void {
    if (props.logBucket === undefined) {
      acknowledgeRules(this.bucket, [
        {
          id: 'AwsSolutions-S1',
          reason: 'Server access logs are opt-in (logBucket); players only read through CloudFront.',
        },
      ]);
      acknowledgeRules(this.distribution, [
        {
          id: 'AwsSolutions-CFR3',
          reason: 'Standard logs are opt-in (logBucket); patch files are public downloads.',
        },
      ]);
    }
    acknowledgeRules(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason: "Patches are for players anywhere; geo restriction is the game's choice.",
      },
      ...(props.webAclId === undefined
        ? [
            {
              id: 'AwsSolutions-CFR2',
              reason: 'WAF is opt-in (webAclId): it bills hourly, and the content is static.',
            },
          ]
        : []),
      ...(props.certificate === undefined
        ? [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'The default *.cloudfront.net certificate allows TLS 1.0; pass domainNames and a certificate for TLS 1.2.',
            },
          ]
        : []),
    ]);
    acknowledgeRules(this.publisherRole, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: [`Resource::${arnFinding(this.bucket)}/${this.patchPrefix}/*`],
        reason:
          'Publishing writes content-addressed objects under "<patchPrefix>/*", named only at publish time.',
      },
    ]);
  }
}
