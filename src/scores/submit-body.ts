import * as z from 'zod';
import { boardNameSchema } from './board-settings.js';
import { ScoresError } from './errors.js';

/** Limits a submission must respect. */
export interface SubmitLimits {
  /** Smallest accepted score (an integer); default 0. */
  minScore: number;
  /** Largest accepted score (an integer); default 1 000 000 000. */
  maxScore: number;
  /** Longest display name in characters (code points); default 24. */
  maxNameLength: number;
}

/** The defaults of {@link SubmitLimits}. */
export const DEFAULT_SUBMIT_LIMITS: Readonly<SubmitLimits> = Object.freeze({
  minScore: 0,
  maxScore: 1_000_000_000,
  maxNameLength: 24,
});

/** A validated `POST /scoreboard` body. */
export interface SubmitBody {
  score: number;
  board?: string;
  /** NFC-normalized and trimmed. */
  name?: string;
}

/** Letters, combining marks, digits, space and `_ . ' -`: enough for names in any script, nothing that renders as markup. */
const NAME_CHARACTERS = /^[\p{L}\p{M}\p{N} _.'-]+$/u;

/**
 * Builds the validator of `POST /scoreboard` bodies: `{ score, board?, name? }` and nothing else. The player is
 * never taken from the body.
 *
 * @returns a function that returns the valid body or throws.
 * @throws {ScoresError} (from the returned function) `INVALID_BODY` (not an object, unknown fields such as
 *   `username`), `INVALID_SCORE` (missing, not a finite integer, out of range), `INVALID_BOARD`, `INVALID_NAME`.
 * @example
 * ```ts
 * const parse = createSubmitBodyParser(DEFAULT_SUBMIT_LIMITS);
 * parse({ score: 1200, name: '토끼' }); // { score: 1200, name: '토끼' }
 * ```
 */
export function createSubmitBodyParser(limits: SubmitLimits): (body: unknown) => SubmitBody {
  const schema = z.strictObject({
    score: z
      .number({ error: 'score must be a number' })
      .refine(Number.isFinite, 'score must be finite')
      .refine(Number.isInteger, 'score must be an integer')
      .refine((value) => value >= limits.minScore && value <= limits.maxScore, {
        message: `score must be between ${limits.minScore} and ${limits.maxScore}`,
      }),
    board: boardNameSchema.optional(),
    name: z
      .string({ error: 'name must be a string' })
      .transform((value) => value.normalize('NFC').trim().replace(/\s+/g, ' '))
      .refine((value) => value.length > 0, 'name must not be empty')
      .refine((value) => [...value].length <= limits.maxNameLength, {
        message: `name must be at most ${limits.maxNameLength} characters`,
      })
      .refine(
        (value) => NAME_CHARACTERS.test(value),
        "name may only have letters, digits, spaces and _ . ' -",
      )
      .optional(),
  });
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues;
    const unknownKeys = issues.find((issue) => issue.code === 'unrecognized_keys');
    if (unknownKeys && 'keys' in unknownKeys) {
      throw new ScoresError(
        'INVALID_BODY',
        `Unknown field(s): ${unknownKeys.keys.join(', ')}. Send { score, board?, name? }.`,
      );
    }
    const issue = issues[0];
    const field = issue?.path[0];
    if (field === 'score') {
      const message =
        issue?.code === 'invalid_type' && !('score' in (body as object))
          ? 'score is required'
          : issue?.message;
      throw new ScoresError('INVALID_SCORE', `${message ?? 'invalid score'}.`);
    }
    if (field === 'name') throw new ScoresError('INVALID_NAME', `${issue?.message ?? 'invalid name'}.`);
    if (field === 'board') throw new ScoresError('INVALID_BOARD', `${issue?.message ?? 'invalid board'}`);
    throw new ScoresError('INVALID_BODY', 'The body must be a JSON object { score, board?, name? }.');
  };
}
