import type { Logger } from '../core/logger.js';
import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { readJsonBody } from '../core/lambda/http-request.js';
import { jsonResponse } from '../core/lambda/http-response.js';
import { readInteger, readString, type WireItem } from './attribute-values.js';
import { type BoardCatalog, resolveBoardOptions } from './board-settings.js';
import { ScoresError } from './errors.js';
import {
  answerErrors,
  type DynamoDbClientOption,
  resolveDynamoDbClient,
  type ScoresHttpHandler,
  resolveScoresLogger,
  type ScoresLogger,
  settingsOfBoard,
} from './handler-support.js';
import { type PlayerResolver, resolvePlayerId } from './identity.js';
import { createSubmitBodyParser, DEFAULT_SUBMIT_LIMITS, type SubmitLimits } from './submit-body.js';
import {
  observePlayerItem,
  planBlindSubmit,
  planExactSubmit,
  type RateLimit,
  type Submission,
} from './submit-plan.js';
import { resolveScoreTables, SCORE_ITEM_ATTRIBUTES, type ScoreTablesConfig } from './table.js';
import type { SubmitScoreResult } from './types.js';

/** Options of {@link createSubmitScoreHandler}. */
export interface SubmitScoreHandlerOptions extends DynamoDbClientOption, Partial<SubmitLimits> {
  /** Table and attribute names; see {@link ScoreTablesConfig} for the defaults. */
  tables?: ScoreTablesConfig;
  /** Which boards exist and how they keep scores; default `{ global: { mode: 'best', order: 'desc' } }`. */
  boards?: BoardCatalog;
  /** The board of a body without `board`; default `'global'`. Must be in `boards`. */
  defaultBoard?: string;
  /**
   * At most `maxSubmissions` per player per board per `windowSeconds`, enforced by a condition on the player's
   * own item (no extra table). Default: no limit.
   */
  rateLimit?: RateLimit;
  /**
   * Finds the player of a request when it is not a Cognito identity behind IAM auth, e.g. a JWT authorizer's
   * `sub`. Default: `requestContext.authorizer.iam.cognitoIdentity.identityId` (HTTP API) or
   * `requestContext.identity.cognitoIdentityId` (REST API). The body is never used.
   */
  resolvePlayer?: PlayerResolver;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** Where failures are logged (`console`, a Powertools `Logger`, …); default `console`, warnings and errors. */
  logger?: Logger | ScoresLogger;
}

/** Exact attempts after the blind one before answering `CONTENTION`. */
const MAX_EXACT_ATTEMPTS = 8;

/**
 * Builds the `POST /scoreboard` handler. The player is the caller's identity from the request context (401
 * without one), never the body; the body is `{ score, board?, name? }` (anything else: 400 with a typed code,
 * nothing written). The submission is one `UpdateItem` on the player's item — `best` boards keep the better
 * score, `latest` boards overwrite — and it always increments `plays` and sets `lastScore`/`updatedAt`, so
 * even a repeated identical score changes the item and reaches the stream as a play. The first write assumes
 * the common case (a first play, or no new best); when that does not hold (a new best, a new rate window),
 * DynamoDB refuses it without writing and a second, exact `UpdateItem` follows.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time for bad options.
 * @example
 * ```ts
 * import { createSubmitScoreHandler } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createSubmitScoreHandler({
 *   boards: { global: { mode: 'best' }, 'daily#*': { mode: 'best' } },
 *   rateLimit: { maxSubmissions: 10, windowSeconds: 60 },
 * });
 * ```
 */
export function createSubmitScoreHandler(options: SubmitScoreHandlerOptions = {}): ScoresHttpHandler {
  const tables = resolveScoreTables(options.tables);
  const { boards, defaultBoard } = resolveBoardOptions(options);
  const limits = resolveLimits(options);
  const rateLimit = resolveRateLimit(options.rateLimit);
  if (options.resolvePlayer !== undefined && typeof options.resolvePlayer !== 'function') {
    throw new ScoresError('INVALID_OPTIONS', 'resolvePlayer must be a function.');
  }
  const parseBody = createSubmitBodyParser(limits);
  const dynamodb = resolveDynamoDbClient(options);
  const now = options.now ?? Date.now;
  const log = resolveScoresLogger(options.logger);

  return (event) =>
    answerErrors(log, async () => {
      const playerId = await resolvePlayerId(event, options.resolvePlayer);
      if (playerId === undefined) {
        throw new ScoresError('UNAUTHENTICATED', 'Sign in first: the request carries no player identity.');
      }
      const body = parseBody(readJsonBody(event));
      const board = body.board ?? defaultBoard;
      const settings = settingsOfBoard(boards, board);
      const submission: Submission = {
        tables,
        board,
        settings,
        playerId,
        score: body.score,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(rateLimit ? { rateLimit } : {}),
        now: now(),
      };
      const result = await writeSubmission(dynamodb, submission);
      return jsonResponse(200, result);
    });
}

async function writeSubmission(
  dynamodb: ReturnType<typeof resolveDynamoDbClient>,
  submission: Submission,
): Promise<SubmitScoreResult> {
  let plan: ReturnType<typeof planExactSubmit> = planBlindSubmit(submission);
  for (let attempt = 0; attempt <= MAX_EXACT_ATTEMPTS; attempt++) {
    if (plan.kind === 'rate-limited') {
      throw new ScoresError(
        'RATE_LIMITED',
        `Too many submissions; try again in ${plan.retryAfterSeconds} s.`,
        {
          retryAfterSeconds: plan.retryAfterSeconds,
        },
      );
    }
    try {
      const output = await dynamodb.send(new UpdateItemCommand(plan.input));
      const improved =
        plan.improved === 'if-new'
          ? readInteger(output.Attributes, SCORE_ITEM_ATTRIBUTES.plays) === 1
          : plan.improved;
      return toResult(output.Attributes, submission, improved);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const observed = observePlayerItem((error as { Item?: WireItem }).Item, submission.tables);
      plan = planExactSubmit(submission, observed);
    }
  }
  throw new ScoresError('CONTENTION', 'The score changed under every attempt; submit again.');
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

function toResult(item: WireItem | undefined, submission: Submission, improved: boolean): SubmitScoreResult {
  const { tables } = submission;
  const name = readString(item, SCORE_ITEM_ATTRIBUTES.name);
  return {
    board: submission.board,
    playerId: readString(item, tables.attributes.player) ?? submission.playerId,
    ...(name === undefined ? {} : { name }),
    score: readInteger(item, tables.attributes.score) ?? 0,
    lastScore: readInteger(item, SCORE_ITEM_ATTRIBUTES.lastScore) ?? 0,
    plays: readInteger(item, SCORE_ITEM_ATTRIBUTES.plays) ?? 0,
    improved,
    scoredAt: readString(item, SCORE_ITEM_ATTRIBUTES.scoredAt) ?? '',
    updatedAt: readString(item, SCORE_ITEM_ATTRIBUTES.updatedAt) ?? '',
  };
}

function resolveLimits(options: Partial<SubmitLimits>): SubmitLimits {
  const limits: SubmitLimits = {
    minScore: options.minScore ?? DEFAULT_SUBMIT_LIMITS.minScore,
    maxScore: options.maxScore ?? DEFAULT_SUBMIT_LIMITS.maxScore,
    maxNameLength: options.maxNameLength ?? DEFAULT_SUBMIT_LIMITS.maxNameLength,
  };
  if (
    !Number.isSafeInteger(limits.minScore) ||
    !Number.isSafeInteger(limits.maxScore) ||
    limits.minScore > limits.maxScore
  ) {
    throw new ScoresError(
      'INVALID_OPTIONS',
      'minScore and maxScore must be safe integers with minScore <= maxScore.',
    );
  }
  if (!Number.isInteger(limits.maxNameLength) || limits.maxNameLength < 1 || limits.maxNameLength > 128) {
    throw new ScoresError('INVALID_OPTIONS', 'maxNameLength must be an integer from 1 to 128.');
  }
  return limits;
}

function resolveRateLimit(rateLimit: RateLimit | undefined): RateLimit | undefined {
  if (rateLimit === undefined) return undefined;
  const { maxSubmissions, windowSeconds } = rateLimit;
  if (
    !Number.isInteger(maxSubmissions) ||
    maxSubmissions < 1 ||
    !Number.isInteger(windowSeconds) ||
    windowSeconds < 1
  ) {
    throw new ScoresError(
      'INVALID_OPTIONS',
      'rateLimit needs integer maxSubmissions >= 1 and windowSeconds >= 1.',
    );
  }
  return { maxSubmissions, windowSeconds };
}
