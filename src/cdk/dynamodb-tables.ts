import { RemovalPolicy, Stack } from 'aws-cdk-lib';
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

/** A module's table set: how to define its tables from its settings, and its settings before the prefix. */
export interface ModuleTableSet<Settings extends object> {
  /** The module's settings before the prefix (table names and any other setting). */
  settings: Settings;
  /** The module's table definitions for some settings (`scoreTables`, `quizTables`). */
  definitionsOf: (settings: Settings) => TableDefinition[];
  /** The definitions under the module's default names: each table's construct id comes from its default name. */
  defaultDefinitions: readonly TableDefinition[];
  /** Point-in-time recovery when {@link GameTableSettings.pointInTimeRecovery} is not set. */
  defaultPointInTimeRecovery: boolean;
}

/** A module's deployed tables: the prefixed settings its handlers run with, and each table by its setting. */
export interface DeployedModuleTables<Settings extends object> {
  settings: Settings;
  definitions: TableDefinition[];
  /** By the setting that names the table (`scoresTable`, `rooms`, …), or by its name when no setting holds it. */
  tables: Record<string, Table>;
}

/**
 * Deploys every table of a module under the game's prefix (default `<stack name>-`) with the removal policy
 * (default `RETAIN`) and point-in-time recovery of `tableSettings`, so a table the module adds deploys with it.
 *
 * @param scope - The module's construct.
 * @param tableSettings - The game's table settings.
 * @param set - The module's table set.
 * @returns The prefixed settings, definitions and tables.
 * @example
 * ```ts
 * const { settings, tables } = deployModuleTables(this, props.tableSettings ?? {}, {
 *   settings: { ...DEFAULT_QUIZ_TABLE_NAMES, ...props.tables },
 *   definitionsOf: quizTables,
 *   defaultDefinitions: quizTables(),
 *   defaultPointInTimeRecovery: false,
 * });
 * ```
 */
export function deployModuleTables<Settings extends object>(
  scope: Construct,
  tableSettings: GameTableSettings,
  set: ModuleTableSet<Settings>,
): DeployedModuleTables<Settings> {
  const prefix = tableSettings.namePrefix ?? `${Stack.of(scope).stackName}-`;
  const tableNames = new Set(set.definitionsOf(set.settings).map((t) => t.name));
  const settings = prefixTableNames(set.settings, tableNames, prefix);
  const definitions = set.definitionsOf(settings);
  const ids = set.defaultDefinitions.map((t) => tableConstructId(t.name));
  const tables: Record<string, Table> = {};
  definitions.forEach((definition, index) => {
    const key = settingOfTable(settings, definition.name) ?? definition.name;
    tables[key] = tableFromDefinition(scope, ids[index] ?? tableConstructId(definition.name), definition, {
      removalPolicy: tableSettings.removalPolicy ?? RemovalPolicy.RETAIN,
      pointInTimeRecovery: tableSettings.pointInTimeRecovery ?? set.defaultPointInTimeRecovery,
    });
  });
  return { settings, definitions, tables };
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
