import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { IndexDefinition, KeyDefinition, TableDefinition } from '../core/table-definition.js';

/** How the module tables are deployed. */
export interface GameTableSettings {
  /** Put in front of every table name (`GameScores` → `<prefix>GameScores`); default `<stack name>-`. */
  namePrefix?: string;
  /** Default `RETAIN`: players' data outlives the stack. `DESTROY` for a sandbox. */
  removalPolicy?: RemovalPolicy;
  /** Default true (except where a construct says otherwise). */
  pointInTimeRecovery?: boolean;
}

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;
const STREAM_VIEWS = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  OLD_IMAGE: StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
} as const;

const attribute = (key: KeyDefinition) => ({ name: key.name, type: ATTRIBUTE_TYPES[key.type] });

/**
 * Deploys a module's table definition as an on-demand DynamoDB table: keys, every global secondary index with its
 * projection, the stream and the TTL attribute exactly as the module declares them.
 *
 * @param scope - Where to add the table.
 * @param id - Construct id (stable across renames: derived from the module's default table name).
 * @param definition - From `scoreTables()`, `quizTables()`, ….
 * @param settings - Removal policy and point-in-time recovery.
 * @returns The table.
 * @example
 * ```ts
 * const [scores] = scoreTables({ scoresTable: 'mygame-scores' });
 * const table = tableFromDefinition(this, 'GameScores', scores!, { removalPolicy: RemovalPolicy.RETAIN, pointInTimeRecovery: true });
 * ```
 */
export function tableFromDefinition(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  settings: { removalPolicy: RemovalPolicy; pointInTimeRecovery: boolean },
): Table {
  const table = new Table(scope, id, {
    tableName: definition.name,
    billingMode: BillingMode.PAY_PER_REQUEST,
    removalPolicy: settings.removalPolicy,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: settings.pointInTimeRecovery },
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    ...(definition.stream ? { stream: STREAM_VIEWS[definition.stream] } : {}),
    ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
  });
  for (const index of definition.globalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      ...projection(index),
    });
  }
  return table;
}

function projection(index: IndexDefinition) {
  const projected = index.projection ?? 'ALL';
  if (projected === 'ALL') return { projectionType: ProjectionType.ALL };
  if (projected === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: projected };
}

/**
 * Puts a prefix in front of every value of a module's table settings that names one of its tables (index and
 * attribute names stay as they are). Works for any table a module adds later, as long as its name is a top-level
 * string setting, as `scoresTable`, `distributionTable` and the quiz's `connections`, `rooms`, `chat` are.
 *
 * @param settings - The module's resolved table settings.
 * @param tableNames - The table names its definitions use with these settings.
 * @param prefix - E.g. `mygame-`.
 * @returns A copy with prefixed table names.
 * @example
 * ```ts
 * prefixTableNames({ scoresTable: 'GameScores', scoreIndex: 'byScore' }, new Set(['GameScores']), 'mygame-');
 * // { scoresTable: 'mygame-GameScores', scoreIndex: 'byScore' }
 * ```
 */
export function prefixTableNames<Settings extends object>(
  settings: Settings,
  tableNames: ReadonlySet<string>,
  prefix: string,
): Settings {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      typeof value === 'string' && tableNames.has(value) ? `${prefix}${value}` : value,
    ]),
  ) as Settings;
}

/**
 * The setting that names a table: `scoresTable` for `mygame-GameScores`.
 *
 * @param settings - The module's table settings (prefixed).
 * @param tableName - One of its tables.
 * @returns The key, or undefined when no top-level setting holds the name.
 * @example
 * ```ts
 * settingOfTable({ scoresTable: 'a', distributionTable: 'b' }, 'b'); // 'distributionTable'
 * ```
 */
export function settingOfTable(settings: object, tableName: string): string | undefined {
  return Object.entries(settings).find(([, value]) => value === tableName)?.[0];
}

/**
 * A construct id from a module's default table name: `GameScores` → `GameScores`, `quiz-rooms` → `QuizRooms`.
 *
 * @param name - The default table name.
 * @returns A PascalCase id.
 * @example
 * ```ts
 * tableConstructId('quiz-connections'); // 'QuizConnections'
 * ```
 */
export function tableConstructId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
