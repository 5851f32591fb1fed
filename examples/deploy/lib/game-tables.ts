import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Options of {@link GameTables}. */
export interface GameTablesProps {
  /** Table names start with it: `<prefix>-scores`, `<prefix>-quiz-chat`, … */
  prefix: string;
  /** `DESTROY` deletes the tables with the stack (sandbox); `RETAIN` (default) keeps players' data. */
  removalPolicy: RemovalPolicy;
  /** Point-in-time recovery of the two scores tables (the quiz tables hold only minutes-to-days of state). */
  pointInTimeRecovery: boolean;
}

/** The scores index (`byScore`) and the quiz's room index (`byRoom`), named as the modules expect by default. */
export const SCORE_INDEX = 'byScore';
export const QUIZ_ROOM_INDEX = 'byRoom';

/**
 * The five DynamoDB tables, all on-demand (nothing to pay while idle but storage). Keys, indexes, stream and TTL
 * attributes are those of `scoreTables()` (`serverless-game-kit/scores/lambda`) and `quizTables()`
 * (`serverless-game-kit/quiz/lambda`); the tests check the synthesized tables against both.
 *
 * @example
 * ```ts
 * const tables = new GameTables(this, 'Tables', { prefix: 'mygame', removalPolicy: RemovalPolicy.RETAIN, pointInTimeRecovery: true });
 * ```
 */
export class GameTables extends Construct {
  /** `board` + `playerId`; GSI `byScore` (`board` + `score`); stream `NEW_AND_OLD_IMAGES` for the aggregator. */
  readonly scores: Table;
  /** `board` + `score` → `count`; the aggregator's checkpoints expire through TTL `expiresAt`. */
  readonly scoreDistribution: Table;
  /** `connectionId`; GSI `byRoom` (`roomId` + `connectedAt`); TTL `ttl`. */
  readonly quizConnections: Table;
  /** `roomId` + `sk`: the room item and one score item per player; TTL `ttl`. */
  readonly quizRooms: Table;
  /** `roomId` + `sk` (`<ms>#<message id>`); TTL `ttl`. */
  readonly quizChat: Table;

  constructor(scope: Construct, id: string, props: GameTablesProps) {
    super(scope, id);
    const common = { billingMode: BillingMode.PAY_PER_REQUEST, removalPolicy: props.removalPolicy };
    const recovery = {
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
    };

    this.scores = new Table(this, 'Scores', {
      ...common,
      ...recovery,
      tableName: `${props.prefix}-scores`,
      partitionKey: { name: 'board', type: AttributeType.STRING },
      sortKey: { name: 'playerId', type: AttributeType.STRING },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    this.scores.addGlobalSecondaryIndex({
      indexName: SCORE_INDEX,
      partitionKey: { name: 'board', type: AttributeType.STRING },
      sortKey: { name: 'score', type: AttributeType.NUMBER },
      // Only what a leaderboard row shows: a play that does not change the ranked score writes no index entry.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['name', 'scoredAt'],
    });

    this.scoreDistribution = new Table(this, 'ScoreDistribution', {
      ...common,
      ...recovery,
      tableName: `${props.prefix}-score-distribution`,
      partitionKey: { name: 'board', type: AttributeType.STRING },
      sortKey: { name: 'score', type: AttributeType.NUMBER },
      timeToLiveAttribute: 'expiresAt',
    });

    this.quizConnections = new Table(this, 'QuizConnections', {
      ...common,
      tableName: `${props.prefix}-quiz-connections`,
      partitionKey: { name: 'connectionId', type: AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
    });
    this.quizConnections.addGlobalSecondaryIndex({
      indexName: QUIZ_ROOM_INDEX,
      partitionKey: { name: 'roomId', type: AttributeType.STRING },
      sortKey: { name: 'connectedAt', type: AttributeType.NUMBER },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['playerId', 'name', 'ttl'],
    });

    this.quizRooms = new Table(this, 'QuizRooms', {
      ...common,
      tableName: `${props.prefix}-quiz-rooms`,
      partitionKey: { name: 'roomId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
    });

    this.quizChat = new Table(this, 'QuizChat', {
      ...common,
      tableName: `${props.prefix}-quiz-chat`,
      partitionKey: { name: 'roomId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
    });
  }
}
