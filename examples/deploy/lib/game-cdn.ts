import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLevel,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Options of {@link GameCdn}. */
export interface GameCdnProps {
  /** Folder of patch releases in the bucket, e.g. `update`. */
  patchPrefix: string;
  /** Sandbox: the bucket and every object version are deleted with the stack. Otherwise the bucket is retained. */
  sandbox: boolean;
}

/**
 * The game's bucket (patch releases, the Kakao login page, `config.json`) behind CloudFront. The bucket is
 * private (public access blocked); CloudFront reads it with origin access control. Three cache policies follow
 * the patch module's layout under `<patchPrefix>/`:
 *
 * | path | policy | why |
 * |---|---|---|
 * | `<patchPrefix>/version.json` | pointer: at most 10 s | the only mutable object; the publisher also invalidates it |
 * | `<patchPrefix>/blobs/*`, `<patchPrefix>/releases/*` | immutable: a year, no query string | content-addressed blobs and release manifests never change |
 * | everything else (default) | `versionId` in the cache key | versionId mode fetches `<patchPrefix>/<path>?versionId=…`: each version is its own cache entry |
 *
 * @example
 * ```ts
 * const cdn = new GameCdn(this, 'Cdn', { patchPrefix: 'update', sandbox: false });
 * ```
 */
export class GameCdn extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly pointerCachePolicy: CachePolicy;
  readonly immutableCachePolicy: CachePolicy;
  readonly versionedCachePolicy: CachePolicy;

  constructor(scope: Construct, id: string, props: GameCdnProps) {
    super(scope, id);
    const pointerKey = `${props.patchPrefix}/version.json`;

    this.bucket = new Bucket(this, 'Bucket', {
      // versionId mode needs versions; content mode does not mind them.
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: props.sandbox,
      lifecycleRules: [
        // An interrupted multipart upload keeps its parts (and their storage cost) until aborted.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Every publish overwrites the pointer; its old versions are never read. Nothing else expires: old
        // releases must stay complete (rollback, players mid-update, versionId mode).
        {
          id: 'expire-old-pointers',
          prefix: pointerKey,
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });

    const compressed = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true };
    const noCookiesOrHeaders = {
      cookieBehavior: CacheCookieBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
    };
    this.pointerCachePolicy = new CachePolicy(this, 'PointerCachePolicy', {
      comment: 'serverless-game-kit patch pointer (version.json): short TTL, also invalidated on publish',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(10),
      maxTtl: Duration.seconds(10),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      ...noCookiesOrHeaders,
      ...compressed,
    });
    this.immutableCachePolicy = new CachePolicy(this, 'ImmutableCachePolicy', {
      comment: 'serverless-game-kit patch blobs and release manifests: immutable, cached a year',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      ...noCookiesOrHeaders,
      ...compressed,
    });
    this.versionedCachePolicy = new CachePolicy(this, 'VersionedCachePolicy', {
      comment: 'serverless-game-kit objects by S3 versionId: the versionId query string is in the cache key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      queryStringBehavior: CacheQueryStringBehavior.allowList('versionId'),
      ...noCookiesOrHeaders,
      ...compressed,
    });

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
      comment: `serverless-game-kit: patches, Kakao login page and config.json`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        ...behaviour(this.versionedCachePolicy),
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: {
        [pointerKey]: behaviour(this.pointerCachePolicy),
        [`${props.patchPrefix}/blobs/*`]: behaviour(this.immutableCachePolicy),
        [`${props.patchPrefix}/releases/*`]: behaviour(this.immutableCachePolicy),
      },
    });
  }
}
