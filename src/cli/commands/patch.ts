import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import cliProgress from 'cli-progress';
import { formatBytes, progressLine } from '../patch-progress.js';
import { REQUIRED_HEADING } from '../help.js';
import { assertInstallFolder, findDamagedFiles } from '../install-check.js';
import { installVerdict, listSome } from '../install-verdict.js';
import { pathExists, writeKeyPair } from '../key-files.js';
import { createTable } from '../table.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import type { FetchLike } from '../../core/client/request-json.js';
import {
  type AddressingMode,
  type PatchProgress,
  PatchPublisher,
  type PatchPublisherOptions,
  PatchUpdater,
  type PublishPlan,
  generateSigningKeyPair,
  stateLayout,
  type UpdatePlan,
} from '../../patch/index.js';

/** Where `sgk patch` writes and what it talks to; tests pass their own. */
export interface PatchCommandIo {
  stdout?: { write(text: string): unknown; isTTY?: boolean };
  /** Progress bars go here, only when it is a TTY. */
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  fetch?: FetchLike;
  /** Builds the S3 client from the command's options; default `new S3Client(config)`. */
  createS3?: (config: S3ClientConfig) => S3Client;
  createCloudFront?: () => CloudFrontClient;
}

interface BucketOptions {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region?: string;
  distributionId?: string;
  wait?: boolean;
  signingKey?: string;
  keyId?: string;
  /** Seconds, or `false` from `--no-pointer-ttl`. */
  pointerTtl?: number | false;
  json?: boolean;
}

interface PublishCommandOptions extends BucketOptions {
  mode: AddressingMode;
  scanCache?: string;
  dryRun?: boolean;
  release?: string;
  ignore?: string[];
  concurrency?: number;
  format?: '1' | '2';
  chunkMin?: number;
  chunkAvg?: number;
  chunkMax?: number;
  chunkThreshold?: number;
  /** `false` from `--no-compression`. */
  compression?: boolean;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** A byte count: `65536`, `64K`, `64KiB`, `1M`, `4MiB` (binary units). */
function byteSize(value: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  const bytes = match && unit ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new InvalidArgumentError('must be a positive size in bytes, e.g. 65536, 256KiB or 4MiB');
  }
  return bytes;
}

/**
 * `--chunk-min/avg/max` as publisher chunking: unset sizes follow the given average (min avg/4, max 4×avg, the
 * ratios of the defaults), or the defaults when no size is given.
 */
function chunkingFrom(options: Partial<PublishCommandOptions>): PatchPublisherOptions['chunking'] {
  const { chunkMin, chunkAvg, chunkMax } = options;
  if (chunkMin === undefined && chunkAvg === undefined && chunkMax === undefined) return undefined;
  const avgSize = chunkAvg ?? 1024 * 1024;
  return {
    minSize: chunkMin ?? Math.max(1, Math.floor(avgSize / 4)),
    avgSize,
    maxSize: chunkMax ?? avgSize * 4,
  };
}

/** `--min-sequence` and `--require-pointer-expiry` of `pull` and `status` (see `PatchUpdaterOptions`). */
interface FreshnessOptions {
  minSequence?: number;
  requirePointerExpiry?: 'fresh-install' | 'always' | 'never';
}

function requirePointerExpiryOption(): Option {
  return new Option(
    '--require-pointer-expiry <when>',
    'with --public-key, when a signed version.json must carry an expiry (default fresh-install)',
  ).choices(['fresh-install', 'always', 'never']);
}

/** Adds the S3 options; `--bucket` is listed under "Required:" in the help and named in the usage line. */
function addBucketOptions(command: Command): Command {
  const args = command.registeredArguments.map((argument) =>
    argument.required ? `<${argument.name()}>` : `[${argument.name()}]`,
  );
  return command
    .usage(['--bucket <name>', '[options]', ...args].join(' '))
    .addOption(
      new Option('--bucket <name>', 'S3 bucket holding the releases')
        .makeOptionMandatory()
        .helpGroup(REQUIRED_HEADING),
    )
    .option('--prefix <prefix>', 'folder in the bucket', '')
    .option('--endpoint <url>', 'S3-compatible endpoint (path-style), e.g. the local stack or MinIO')
    .option('--region <region>', 'AWS region (default: from the AWS config/environment)')
    .option('--distribution-id <id>', 'CloudFront distribution: invalidate version.json after publishing')
    .option('--wait', 'wait until the CloudFront invalidation completes')
    .option('--signing-key <file>', 'Ed25519 private key (PEM) to sign manifests and the pointer')
    .option('--key-id <id>', 'key id stored in signatures')
    .option(
      '--pointer-ttl <seconds>',
      'version.json expires after this many seconds (refresh by publishing or rolling back to the current release); default 30 days when signing, none otherwise',
      positiveInteger,
    )
    .option('--no-pointer-ttl', 'signed version.json without expiry (players then need a minimum sequence)')
    .option('--json', 'print the result as JSON');
}

/**
 * Adds `sgk patch` with `publish`, `status`, `pull`, `rollback` and `keygen`. S3 credentials come from the default
 * AWS chain (environment, profiles, SSO, instance roles); `--endpoint` targets any S3-compatible store.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { registerPatchCommand } from './commands/patch.js';
 *
 * const program = new Command('sgk');
 * registerPatchCommand(program);
 * await program.parseAsync(['node', 'sgk', 'patch', 'pull', 'https://cdn.example.com/update', './game']);
 * ```
 */
export function registerPatchCommand(program: Command, io: PatchCommandIo = {}): void {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const print = (text: string): void => void stdout.write(`${text}\n`);

  const progressBar = (): { update: (progress: PatchProgress) => void; stop: () => void } => {
    if (!stderr.isTTY) return { update: () => undefined, stop: () => undefined };
    // Payload names avoid cli-progress's own tokens ({total}, {value}, {eta}…), which it fills itself.
    const bar = new cliProgress.SingleBar(
      {
        stream: stderr,
        format: ' {phaseName} |{bar}| {percent} | {filesText} | {bytesText} | {rateText} | ETA {etaText}',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const scale = 1000;
    let phase = '';
    let phaseStarted = 0;
    let running = false;
    return {
      update: (progress) => {
        if (progress.phase === 'done') {
          if (running) bar.stop();
          running = false;
          return;
        }
        if (progress.phase !== phase) {
          if (running) bar.stop();
          phase = progress.phase;
          phaseStarted = performance.now();
          running = false;
        }
        const line = progressLine(progress, (performance.now() - phaseStarted) / 1000);
        const payload = {
          phaseName: line.phase.padEnd(10),
          percent: `${Math.floor(line.fraction * 100)}%`.padStart(4),
          filesText: line.files,
          bytesText: line.bytes,
          rateText: line.rate,
          etaText: line.eta,
        };
        const value = Math.round(line.fraction * scale);
        if (!running) {
          bar.start(scale, value, payload);
          running = true;
        } else bar.update(value, payload);
      },
      stop: () => {
        if (running) bar.stop();
        running = false;
      },
    };
  };

  const publisherFor = async (options: BucketOptions & Partial<PublishCommandOptions>) => {
    const config: S3ClientConfig = options.endpoint
      ? {
          endpoint: options.endpoint,
          forcePathStyle: true,
          region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : options.region
        ? { region: options.region }
        : {};
    const s3 = io.createS3 ? io.createS3(config) : new S3Client(config);
    const cloudFront = options.distributionId
      ? (io.createCloudFront?.() ?? new CloudFrontClient({}))
      : undefined;
    const signingKey = options.signingKey ? await readFile(options.signingKey, 'utf8') : undefined;
    const publisher = new PatchPublisher({
      s3Client: s3,
      bucket: options.bucket,
      prefix: options.prefix,
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.distributionId
        ? { distributionId: options.distributionId, cloudFrontClient: cloudFront }
        : {}),
      waitForInvalidation: options.wait ?? false,
      ...(signingKey ? { signingKey } : {}),
      ...(options.keyId ? { keyId: options.keyId } : {}),
      ...(options.pointerTtl === false ? { pointerTtlMs: false } : {}),
      ...(options.pointerTtl ? { pointerTtlMs: options.pointerTtl * 1000 } : {}),
      scan: {
        ...(options.ignore ? { ignore: options.ignore } : {}),
        ...(options.scanCache ? { statCachePath: options.scanCache } : {}),
      },
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...publishLayout(options),
    });
    return {
      publisher,
      close: () => {
        s3.destroy();
        cloudFront?.destroy();
      },
    };
  };

  const publishLayout = (options: Partial<PublishCommandOptions>): Partial<PatchPublisherOptions> => {
    const chunking = chunkingFrom(options);
    return {
      ...(options.format ? { format: options.format === '1' ? 1 : 2 } : {}),
      ...(chunking ? { chunking } : {}),
      ...(options.chunkThreshold ? { chunkThreshold: options.chunkThreshold } : {}),
      ...(options.compression === false ? { compression: false } : {}),
    };
  };

  const planTable = (plan: PublishPlan): string => {
    const table = createTable({ head: ['', 'files'] }, stdout);
    table.push(
      ['added', plan.added.length],
      ['changed', plan.changed.length],
      ['removed', plan.removed.length],
      ['unchanged', plan.unchanged.length],
      ['objects to upload', `${plan.uploads.length} (${formatBytes(plan.uploadBytes)})`],
    );
    return table.toString();
  };

  const patch = program
    .command('patch')
    .description('publish game client releases to S3 + CloudFront and pull them into an install folder');

  addBucketOptions(
    patch
      .command('publish')
      .description('upload what changed in <dir> as a new release, then point version.json at it')
      .argument('<dir>', 'folder to publish')
      .addOption(
        new Option('--mode <mode>', 'object addressing').choices(['content', 'versionId']).default('content'),
      )
      .option('--dry-run', 'show the plan, upload nothing')
      .option('--release <id>', 'release id (default r<sequence>-<timestamp>)')
      .option('--ignore <glob...>', 'leave out matching files (picomatch globs)')
      .option(
        '--scan-cache <file>',
        'where to keep the scan cache (file hashes by stat data) instead of <dir>/.sgk-patch/scan-cache.json',
      )
      .option('--concurrency <n>', 'parallel uploads', positiveInteger)
      .addOption(
        new Option(
          '--format <n>',
          'release format: 2 = chunked, compressed, compact metadata (default in content mode); 1 = whole files and one manifest, for players whose updater reads only format 1',
        ).choices(['1', '2']),
      )
      .option('--chunk-min <size>', 'format 2: smallest chunk (default 256KiB, or avg/4)', byteSize)
      .option('--chunk-avg <size>', 'format 2: average chunk (default 1MiB)', byteSize)
      .option('--chunk-max <size>', 'format 2: largest chunk (default 4MiB, or 4×avg)', byteSize)
      .option(
        '--chunk-threshold <size>',
        'format 2: files at least this big are chunked, smaller ones stored whole (default: the average chunk)',
        byteSize,
      )
      .option('--no-compression', 'format 2: store every chunk raw (no Brotli)'),
  ).action(async (dir: string, options: PublishCommandOptions) => {
    const { publisher, close } = await publisherFor(options);
    const bar = progressBar();
    try {
      await publisher.scan(dir, {
        onProgress: (p) =>
          bar.update({
            phase: 'scan',
            files: p.files,
            totalFiles: p.totalFiles,
            bytes: p.bytes,
            totalBytes: 0,
          }),
      });
      const result = await publisher.publish({
        dryRun: options.dryRun ?? false,
        ...(options.release ? { release: options.release } : {}),
        onProgress: bar.update,
      });
      bar.stop();
      if (options.json) {
        const { plan, manifest: _manifest, ...rest } = result;
        print(
          JSON.stringify(
            {
              ...rest,
              plan: {
                ...plan,
                uploads: plan.uploads.map((u) => ({ key: u.key, size: u.size, paths: u.paths })),
                files: undefined,
              },
            },
            null,
            2,
          ),
        );
        return;
      }
      print(planTable(result.plan));
      const summary = createTable({}, stdout);
      summary.push(
        { release: result.release },
        { sequence: result.sequence },
        { 'previous release': result.previousRelease ?? '-' },
        {
          uploaded: result.dryRun
            ? 'nothing (dry run)'
            : result.chunked
              ? `${result.chunked.uploadedChunks} chunks, ${formatBytes(result.chunked.uploadedBytes)} sent for ${formatBytes(result.chunked.uploadedRawBytes)} of content`
              : `${result.uploadedFiles} objects, ${formatBytes(result.uploadedBytes)}`,
        },
        { format: result.pointer.formatVersion },
        { manifest: `s3://${options.bucket}/${result.manifestKey}` },
        { invalidation: result.invalidationId ?? '-' },
      );
      print(summary.toString());
      print(result.dryRun ? 'Dry run: nothing was uploaded.' : `Published ${result.release}.`);
    } finally {
      bar.stop();
      close();
    }
  });

  addBucketOptions(
    patch
      .command('rollback')
      .description(
        'point version.json back at an earlier release (no upload; a higher sequence, signed again)',
      )
      .argument('<release>', 'release id to make current'),
  ).action(async (release: string, options: BucketOptions) => {
    const { publisher, close } = await publisherFor(options);
    try {
      const result = await publisher.rollback(release);
      if (options.json) {
        print(JSON.stringify(result, null, 2));
        return;
      }
      const table = createTable({}, stdout);
      table.push(
        { release: result.release },
        { sequence: result.sequence },
        { 'replaced release': result.previousRelease },
        { invalidation: result.invalidationId ?? '-' },
      );
      print(table.toString());
      print(`version.json now points at ${result.release}.`);
    } finally {
      close();
    }
  });

  addBucketOptions(
    patch
      .command('releases')
      .description(
        'list the published releases: ids, sequence, dates, sizes, and which one version.json points at',
      ),
  ).action(async (options: BucketOptions) => {
    const { publisher, close } = await publisherFor(options);
    try {
      const listing = await publisher.describeReleases();
      if (options.json) {
        print(JSON.stringify(listing, null, 2));
        return;
      }
      if (listing.releases.length === 0) {
        print(`Nothing is published under s3://${options.bucket}/${options.prefix}.`);
        return;
      }
      const table = createTable(
        { head: ['release', 'sequence', 'created', 'files', 'size', 'format', 'current'] },
        stdout,
      );
      for (const entry of listing.releases) {
        table.push([
          entry.release,
          entry.sequence ?? '-',
          entry.createdAt ?? '-',
          entry.files ?? '-',
          entry.bytes === null ? '-' : formatBytes(entry.bytes),
          entry.format ?? '-',
          entry.current
            ? `← version.json (sequence ${listing.pointer?.sequence ?? '?'})`
            : (entry.problem ?? ''),
        ]);
      }
      print(table.toString());
      print(
        listing.pointer
          ? `version.json points at ${listing.pointer.release} (sequence ${listing.pointer.sequence}, since ${listing.pointer.updatedAt}). Go back with: sgk patch rollback <release> --bucket ${options.bucket}${options.prefix ? ` --prefix ${options.prefix}` : ''}`
          : 'No version.json: players see no release yet.',
      );
    } finally {
      close();
    }
  });

  const updaterFor = async (
    cdnUrl: string,
    dir: string,
    options: FreshnessOptions & { prefix?: string; publicKey?: string; concurrency?: number },
  ): Promise<PatchUpdater> =>
    new PatchUpdater({
      cdnUrl,
      prefix: options.prefix ?? '',
      installDir: dir,
      ...(options.publicKey ? { publicKey: await readFile(options.publicKey, 'utf8') } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.minSequence ? { minSequence: options.minSequence } : {}),
      ...(options.requirePointerExpiry ? { requirePointerExpiry: options.requirePointerExpiry } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });

  patch
    .command('pull')
    .description('update <dir> to the release published at <cdn-url> (verified, resumable, atomic)')
    .argument('<cdn-url>', 'CDN base URL (the prefix may be part of it)')
    .argument('<dir>', 'install folder')
    .option('--prefix <prefix>', 'folder under the CDN URL', '')
    .option('--public-key <file>', 'Ed25519 public key (PEM): refuse unsigned or tampered releases')
    .option(
      '--min-sequence <n>',
      'refuse a version.json with a lower sequence, even on a fresh install',
      positiveInteger,
    )
    .addOption(requirePointerExpiryOption())
    .option('--concurrency <n>', 'parallel downloads', positiveInteger)
    .option('--check', 'only show what would change')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        cdnUrl: string,
        dir: string,
        options: FreshnessOptions & {
          prefix?: string;
          publicKey?: string;
          concurrency?: number;
          check?: boolean;
          json?: boolean;
        },
      ) => {
        const updater = await updaterFor(cdnUrl, dir, options);
        const plan = await updater.check();
        if (options.check) {
          const summary = {
            release: plan.release,
            installed: plan.installedRelease,
            download: plan.download.length,
            downloadBytes: plan.downloadBytes,
            fetchBytes: plan.fetchBytes,
            delete: plan.delete.length,
            unchanged: plan.unchanged.length,
            upToDate: plan.upToDate,
          };
          if (options.json) print(JSON.stringify(summary, null, 2));
          else {
            const table = createTable({}, stdout);
            table.push(
              { release: plan.release },
              { installed: plan.installedRelease ?? '-' },
              { download: downloadSummary(plan) },
              { delete: plan.delete.length },
              { unchanged: plan.unchanged.length },
            );
            print(table.toString());
            print(plan.upToDate ? 'Up to date.' : 'An update is available.');
          }
          return;
        }
        const bar = progressBar();
        try {
          const result = await updater.update({ plan, onProgress: bar.update });
          bar.stop();
          if (options.json) {
            print(JSON.stringify(result, null, 2));
            return;
          }
          const table = createTable({}, stdout);
          table.push(
            { release: result.release },
            { 'previous release': result.previousRelease ?? '-' },
            { downloaded: `${result.downloadedFiles} files, ${formatBytes(result.bytesFetched)}` },
            { 'copied locally': result.copiedLocally },
            { written: result.written },
            { deleted: result.deleted },
            { 'kept (changed by the player)': result.kept.length },
          );
          print(table.toString());
          print(result.updated ? `Updated to ${result.release}.` : `Already up to date (${result.release}).`);
        } finally {
          bar.stop();
        }
      },
    );

  patch
    .command('status')
    .description('show the release installed in <dir>; with --cdn, what an update would change')
    .argument('<dir>', 'install folder')
    .option('--cdn <url>', 'CDN base URL to check for updates')
    .option('--prefix <prefix>', 'folder under the CDN URL', '')
    .option('--public-key <file>', 'Ed25519 public key (PEM)')
    .option('--min-sequence <n>', 'refuse a version.json with a lower sequence', positiveInteger)
    .addOption(requirePointerExpiryOption())
    .option('--json', 'print the result as JSON')
    .action(
      async (
        dir: string,
        options: FreshnessOptions & { cdn?: string; prefix?: string; publicKey?: string; json?: boolean },
      ) => {
        await assertInstallFolder(dir);
        const updater = await updaterFor(options.cdn ?? 'http://127.0.0.1', dir, options);
        // check() first: it finishes an interrupted update before anything is compared.
        const plan = options.cdn ? await updater.check() : undefined;
        const state = await updater.readState();
        const damage = state ? await findDamagedFiles(dir, state) : { changed: [], missing: [] };
        const pending = !plan && (await pathExists(stateLayout(dir).journalPath));
        const verdict = installVerdict(state, plan, damage, pending);
        const status = {
          installed: state?.release ?? null,
          sequence: state?.sequence ?? null,
          files: state ? Object.keys(state.files).length : 0,
          installedAt: state?.installedAt ?? null,
          verdict: verdict.code,
          changed: damage.changed,
          missing: damage.missing,
          ...(plan
            ? {
                published: plan.release,
                publishedSequence: plan.sequence,
                download: plan.download.length,
                downloadBytes: plan.downloadBytes,
                fetchBytes: plan.fetchBytes,
                delete: plan.delete.length,
                upToDate: plan.upToDate,
              }
            : {}),
        };
        if (options.json) {
          print(JSON.stringify(status, null, 2));
          return;
        }
        const table = createTable({}, stdout);
        table.push(
          { installed: status.installed ?? 'nothing (never updated)' },
          { sequence: status.sequence ?? '-' },
          { files: status.files },
          { 'installed at': status.installedAt ?? '-' },
        );
        if (state) {
          table.push({ changed: listSome(damage.changed) }, { missing: listSome(damage.missing) });
        }
        if (plan) {
          table.push(
            { published: `${plan.release} (sequence ${plan.sequence})` },
            { 'to download': downloadSummary(plan) },
            { 'to delete': plan.delete.length },
          );
        }
        print(table.toString());
        print(verdict.message);
      },
    );

  patch
    .command('keygen')
    .description('create an Ed25519 key pair for signing releases')
    .option('--out <dir>', 'write private.pem (mode 0600) and public.pem there instead of printing them')
    .option(
      '--force',
      'with --out, replace keys already there (releases signed with the old key stop verifying)',
    )
    .action(async (options: { out?: string; force?: boolean }) => {
      const { privateKeyPem, publicKeyPem } = generateSigningKeyPair();
      if (!options.out) {
        print(`${privateKeyPem}\n${publicKeyPem}`);
        return;
      }
      const written = await writeKeyPair(
        options.out,
        { privateKeyPem, publicKeyPem },
        options.force ?? false,
      );
      print(
        `Wrote ${written.privateKeyPath} (keep it secret) and ${written.publicKeyPath} (ship it with the game).`,
      );
    });
}

/** Files to download and the bytes that crosses the network (chunks only, for a chunked release), e.g. `3 files, 1.2 MiB to fetch (64.0 MiB of files)`. */
function downloadSummary(plan: Pick<UpdatePlan, 'download' | 'downloadBytes' | 'fetchBytes'>): string {
  const files = `${plan.download.length} files`;
  if (plan.fetchBytes === plan.downloadBytes) return `${files}, ${formatBytes(plan.fetchBytes)}`;
  return `${files}, ${formatBytes(plan.fetchBytes)} to fetch (${formatBytes(plan.downloadBytes)} of files)`;
}
