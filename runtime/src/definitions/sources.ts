import { parseDuration, type DurationInput } from "../duration";
import { DefinitionError } from "../errors";
import { checkName, checkTags, DEFINITION_KIND, type DefinitionMetadata } from "./definition";
import { Field, type FieldOptions } from "./field";

interface BatchSourceOptions extends DefinitionMetadata {
  /** Source name in the registry. */
  name?: string;
  /** The event timestamp column (after `fieldMapping`). */
  timestampField?: string;
  /** A column saying when each row was written; breaks ties between rows with the same event time. */
  createdTimestampColumn?: string;
  /** Renames source columns to feature names: `{ source_column: feature_name }`. */
  fieldMapping?: Record<string, string>;
  datePartitionColumn?: string;
}

export interface FileSourceOptions extends BatchSourceOptions {
  /** A parquet file or folder; relative paths are relative to the feature repo. */
  path: string;
  /** For `s3://` paths on an S3-compatible server. */
  s3EndpointOverride?: string;
}

export interface BigQuerySourceOptions extends BatchSourceOptions {
  name: string;
  /** `project.dataset.table` (or Feast's `project:dataset.table`). */
  table?: string;
  /** A query whose result is the source; give either `table` or `query`. */
  query?: string;
}

export interface SnowflakeSourceOptions extends BatchSourceOptions {
  name: string;
  /** The table's database and schema (Feast quotes all three names, so they match case-sensitively). */
  database?: string;
  schema?: string;
  /** The table; give either `table` or `query`. */
  table?: string;
  /** A query whose result is the source. */
  query?: string;
}

export interface PushSourceOptions extends DefinitionMetadata {
  name: string;
  /** Where pushed rows land offline, and what materialization reads. */
  batchSource: FileSource | BigQuerySource;
}

abstract class BatchSource {
  readonly [DEFINITION_KIND] = "dataSource" as const;
  readonly name: string;
  readonly timestampField: string;
  readonly createdTimestampColumn: string;
  readonly fieldMapping: Record<string, string>;
  readonly datePartitionColumn: string;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  protected constructor(kind: string, name: string | undefined, options: BatchSourceOptions) {
    if (typeof name !== "string" || name.length === 0 || name.includes(":")) {
      throw new DefinitionError(`${kind} name ${JSON.stringify(name)} is invalid`, "give the source a non-empty name without ':'");
    }
    this.name = name;
    const what = `${kind} ${name}`;
    this.timestampField = options.timestampField ?? "";
    this.createdTimestampColumn = options.createdTimestampColumn ?? "";
    this.fieldMapping = checkTags(`${what}: fieldMapping`, options.fieldMapping);
    this.datePartitionColumn = options.datePartitionColumn ?? "";
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
    if (this.timestampField && this.timestampField === this.createdTimestampColumn) {
      throw new DefinitionError(`${what}: timestampField and createdTimestampColumn are both ${this.timestampField}`);
    }
  }
}

/**
 * Parquet files, read by the DuckDB offline store.
 *
 * @example
 * new FileSource({ name: "user_stats_source", path: "data/user_stats.parquet", timestampField: "event_timestamp" });
 */
export class FileSource extends BatchSource {
  readonly sourceType = "file" as const;
  readonly path: string;
  readonly s3EndpointOverride: string;

  constructor(options: FileSourceOptions) {
    if (typeof options?.path !== "string" || options.path.length === 0) {
      throw new DefinitionError(`FileSource ${options?.name ?? ""}: path is required`.replace(/ :/, ":"));
    }
    super("FileSource", options.name ?? options.path, options);
    this.path = options.path;
    this.s3EndpointOverride = options.s3EndpointOverride ?? "";
  }
}

/** A BigQuery table or query. */
export class BigQuerySource extends BatchSource {
  readonly sourceType = "bigquery" as const;
  readonly table: string;
  readonly query: string;

  constructor(options: BigQuerySourceOptions) {
    super("BigQuerySource", options?.name, options);
    if (!options.table === !options.query) {
      throw new DefinitionError(`BigQuerySource ${this.name}: give exactly one of table or query`);
    }
    this.table = options.table ?? "";
    this.query = options.query ?? "";
  }
}

/** A Snowflake table (`database.schema.table`) or query (Feast's `SnowflakeSource`). */
export class SnowflakeSource extends BatchSource {
  readonly sourceType = "snowflake" as const;
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly query: string;

  constructor(options: SnowflakeSourceOptions) {
    super("SnowflakeSource", options?.name, options);
    if (!options.table === !options.query) {
      throw new DefinitionError(`SnowflakeSource ${this.name}: give exactly one of table or query`);
    }
    this.database = options.database ?? "";
    this.schema = options.schema ?? "";
    this.table = options.table ?? "";
    this.query = options.query ?? "";
  }
}

/** A source fed by `push` calls; its batch source holds the history offline. */
export class PushSource {
  readonly [DEFINITION_KIND] = "dataSource" as const;
  readonly sourceType = "push" as const;
  readonly name: string;
  readonly batchSource: FileSource | BigQuerySource;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: PushSourceOptions) {
    if (typeof options?.name !== "string" || options.name.length === 0) {
      throw new DefinitionError(`PushSource name ${JSON.stringify(options?.name)} is invalid`);
    }
    this.name = options.name;
    const batch = options.batchSource as FileSource | BigQuerySource | undefined;
    if (!batch || (batch.sourceType !== "file" && batch.sourceType !== "bigquery")) {
      throw new DefinitionError(`PushSource ${this.name}: batchSource must be a FileSource or BigQuerySource`);
    }
    this.batchSource = batch;
    this.description = options.description ?? "";
    this.tags = checkTags(`PushSource ${this.name}`, options.tags);
    this.owner = options.owner ?? "";
  }

  get timestampField(): string {
    return this.batchSource.timestampField;
  }
}

export interface RequestSourceOptions extends DefinitionMetadata {
  name: string;
  /** The columns each request carries (beside the entity keys). */
  schema: FieldOptions[];
}

/**
 * Values that arrive with the request itself (Feast's `RequestSource`): columns of the entity rows
 * that on-demand views read, at request time online and from the entity data offline.
 *
 * @example
 * new RequestSource({ name: "txn_request", schema: [{ name: "amount", dtype: "Float64" }] });
 */
export class RequestSource {
  readonly [DEFINITION_KIND] = "dataSource" as const;
  readonly sourceType = "request" as const;
  readonly name: string;
  readonly schema: readonly Field[];
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: RequestSourceOptions) {
    this.name = checkName("RequestSource", options?.name);
    const what = `RequestSource ${this.name}`;
    if (!Array.isArray(options.schema) || options.schema.length === 0) {
      throw new DefinitionError(`${what}: schema must list at least one field`, 'e.g. schema: [{ name: "amount", dtype: "Float64" }]');
    }
    this.schema = options.schema.map((f) => new Field(f, what));
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }
}

/** How a Kafka message's value is encoded (Feast's StreamFormat). */
export type KafkaMessageFormat =
  /** A JSON object per message; `schema` is Feast's schema_json (kept for Feast, not needed to parse). */
  | { format: "json"; schema?: string }
  /** Avro binary (plain, or framed by a schema registry's 5-byte header) in this Avro schema (JSON text). */
  | { format: "avro"; schema: string };

export interface KafkaSourceOptions extends DefinitionMetadata {
  name: string;
  /** `host:port[,host:port...]`. */
  kafkaBootstrapServers: string;
  topic: string;
  /** The event timestamp field in each message (ISO string or epoch seconds). */
  timestampField: string;
  /** Where the stream's history lives offline: what training sets and materialization read. */
  batchSource: FileSource | BigQuerySource;
  /** Default JSON. */
  messageFormat?: KafkaMessageFormat;
  createdTimestampColumn?: string;
  /** Renames message fields to feature names: `{ message_field: feature_name }`. */
  fieldMapping?: Record<string, string>;
  /** Feast's watermark_delay_threshold: how late an event may arrive (kept in the registry for Feast). */
  watermarkDelayThreshold?: DurationInput;
}

/**
 * Feast's KafkaSource: a topic whose messages feed a feature view online (the `skewless stream`
 * worker consumes it), with a batch source holding the same rows offline.
 *
 * @example
 * new KafkaSource({
 *   name: "driver_trips_stream", kafkaBootstrapServers: "127.0.0.1:9092", topic: "driver_trips",
 *   timestampField: "event_timestamp", batchSource: tripsFiles,
 * });
 */
export class KafkaSource {
  readonly [DEFINITION_KIND] = "dataSource" as const;
  readonly sourceType = "kafka" as const;
  readonly name: string;
  readonly kafkaBootstrapServers: string;
  readonly topic: string;
  readonly timestampField: string;
  readonly createdTimestampColumn: string;
  readonly fieldMapping: Record<string, string>;
  readonly batchSource: FileSource | BigQuerySource;
  readonly messageFormat: KafkaMessageFormat;
  /** 0 when not set. */
  readonly watermarkDelaySeconds: number;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: KafkaSourceOptions) {
    if (typeof options?.name !== "string" || options.name.length === 0 || options.name.includes(":")) {
      throw new DefinitionError(`KafkaSource name ${JSON.stringify(options?.name)} is invalid`, "give the source a non-empty name without ':'");
    }
    const what = `KafkaSource ${options.name}`;
    for (const key of ["kafkaBootstrapServers", "topic", "timestampField"] as const) {
      if (typeof options[key] !== "string" || options[key].length === 0) throw new DefinitionError(`${what}: ${key} is required`);
    }
    const batch = options.batchSource as FileSource | BigQuerySource | undefined;
    if (!batch || (batch.sourceType !== "file" && batch.sourceType !== "bigquery")) {
      throw new DefinitionError(`${what}: batchSource must be a FileSource or BigQuerySource`, "the batch source holds the stream's rows for training sets");
    }
    const format = options.messageFormat ?? { format: "json" };
    if (format.format !== "json" && format.format !== "avro") {
      throw new DefinitionError(`${what}: messageFormat ${JSON.stringify((format as { format?: unknown }).format)} is not json or avro`);
    }
    if (format.format === "avro" && (typeof format.schema !== "string" || format.schema.length === 0)) {
      throw new DefinitionError(`${what}: an avro messageFormat needs its schema (the Avro schema as JSON text)`);
    }
    this.name = options.name;
    this.kafkaBootstrapServers = options.kafkaBootstrapServers;
    this.topic = options.topic;
    this.timestampField = options.timestampField;
    this.createdTimestampColumn = options.createdTimestampColumn ?? "";
    this.fieldMapping = checkTags(`${what}: fieldMapping`, options.fieldMapping);
    this.batchSource = batch;
    this.messageFormat = format;
    this.watermarkDelaySeconds = options.watermarkDelayThreshold === undefined ? 0 : parseDuration(options.watermarkDelayThreshold, `${what}: watermarkDelayThreshold`);
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }
}

/** Sources a feature view can read from. */
export type DataSource = FileSource | BigQuerySource | SnowflakeSource | PushSource | KafkaSource;
/** Every source definition a repo can export. */
export type AnySource = DataSource | RequestSource;
/** Sources whose rows arrive online first and whose history is their batch source. */
export type StreamDataSource = PushSource | KafkaSource;
export type BatchDataSource = FileSource | BigQuerySource | SnowflakeSource;
