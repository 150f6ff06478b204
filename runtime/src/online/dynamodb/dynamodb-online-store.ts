import type { AttributeValue, BatchGetItemCommandOutput, BatchWriteItemCommandOutput, DynamoDBClient, WriteRequest } from "@aws-sdk/client-dynamodb";
import { BackendError } from "../../errors";
import type { OnlineInfraUpdate, OnlineReadRequest, OnlineReadResult, OnlineRow, OnlineStore, OnlineTable, WriteResult } from "../online-store";
import { ValueGrid } from "../value-grid";
import type { DynamoDbOnlineStoreConfig } from "./dynamodb-config";
import { dynamoTableName, entityId, parseEventTs, toItem } from "./dynamodb-layout";

type Sdk = typeof import("@aws-sdk/client-dynamodb");

/** BatchWriteItem takes at most 25 puts. */
const WRITE_BATCH = 25;
/** Unprocessed items (throttling) are resent with doubling pauses, this many times. */
const MAX_RETRIES = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Feast 0.66's DynamoDB online store (see dynamodb-layout.ts). Like the other stores, a write
 * never replaces a stored row with an older one (a backfill must not undo newer values): each
 * batch first reads the stored `event_ts` of its entities (BatchGetItem, projected), then puts
 * the rows that are at least as new with BatchWriteItem, which takes no conditions. On an equal
 * event time the incoming row wins, as Feast's unconditional put does. Two writers racing on one
 * entity can still interleave between the read and the put; materialization runs one writer per view.
 */
export class DynamoDbOnlineStore implements OnlineStore {
  readonly type = "dynamodb";
  readonly skipsStaleWrites = true;
  readonly preferredBatchRows = 1000;
  private client?: Promise<{ sdk: Sdk; client: DynamoDBClient }>;

  constructor(private readonly config: DynamoDbOnlineStoreConfig, private readonly project: string) {}

  tableName(table: OnlineTable): string {
    return dynamoTableName(this.config.tableNameTemplate, this.project, table);
  }

  async update(change: OnlineInfraUpdate): Promise<void> {
    const { sdk, client } = await this.connect();
    for (const table of change.keep) {
      const name = this.tableName(table);
      if (await this.describe(name)) continue;
      try {
        await client.send(new sdk.CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: "entity_id", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "entity_id", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
          ...(this.config.tags ? { Tags: Object.entries(this.config.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }));
      } catch (e) {
        // Another apply created it meanwhile: fine, as Feast treats it.
        if ((e as Error).name !== "ResourceInUseException") throw this.fail(`CreateTable ${name}`, e);
      }
    }
    for (const table of change.keep) await this.waitActive(this.tableName(table));
    await this.teardown(change.remove);
  }

  async write(table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    if (rows.length === 0) return { written: 0, skipped: 0 };
    const name = this.tableName(table);
    // A batch may not name one key twice: the newest row of an entity stays (Feast's
    // `_latest_data_to_write`); of rows with one event time, the last.
    const newest = new Map<string, { at: number; request: WriteRequest }>();
    for (const row of rows) {
      const item = toItem(table, row);
      const id = item.entity_id!.S!;
      const at = row.eventTime.getTime();
      if ((newest.get(id)?.at ?? -Infinity) <= at) newest.set(id, { at, request: { PutRequest: { Item: item } } });
    }
    const stored = new Map<string, Record<string, AttributeValue>>();
    const ids = [...newest.keys()];
    try {
      await Promise.all(this.batches(ids).map((batch) => this.readBatch(name, batch, stored, "entity_id, event_ts")));
    } catch (e) {
      if ((e as Error).name === "ResourceNotFoundException") throw this.fail(`BatchGetItem on ${name}`, e, "run `skewless apply` to create the view's table");
      throw e;
    }
    const requests = [...newest].filter(([id, { at }]) => (parseEventTs(stored.get(id)?.event_ts?.S ?? "") ?? -Infinity) <= at).map(([, r]) => r.request);
    for (let i = 0; i < requests.length; i += WRITE_BATCH) await this.writeBatch(name, requests.slice(i, i + WRITE_BATCH));
    return { written: requests.length, skipped: rows.length - requests.length };
  }

  async read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]> {
    return Promise.all(requests.map((r) => this.readOne(r)));
  }

  async teardown(tables: readonly OnlineTable[]): Promise<void> {
    if (tables.length === 0) return;
    const { sdk, client } = await this.connect();
    for (const table of tables) {
      const name = this.tableName(table);
      try {
        await client.send(new sdk.DeleteTableCommand({ TableName: name }));
      } catch (e) {
        if ((e as Error).name !== "ResourceNotFoundException") throw this.fail(`DeleteTable ${name}`, e);
      }
    }
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    if (pending) (await pending.catch(() => undefined))?.client.destroy();
  }

  private async readOne(request: OnlineReadRequest): Promise<OnlineReadResult> {
    const n = request.entityKeys.length;
    const eventTimes: (number | undefined)[] = new Array(n).fill(undefined);
    const values = new ValueGrid(n, request.features.length);
    if (n === 0) return { eventTimes, values };
    const name = this.tableName(request.table);
    const ids = request.entityKeys.map((k) => entityId(k));
    const unique = [...new Set(ids)];
    const found = new Map<string, Record<string, AttributeValue>>();
    try {
      await Promise.all(this.batches(unique).map((batch) => this.readBatch(name, batch, found)));
    } catch (e) {
      // A view never materialized (or torn down) has no table: its entities are simply not found.
      if ((e as Error).name === "ResourceNotFoundException") return { eventTimes, values };
      throw e;
    }
    for (let row = 0; row < n; row++) {
      const item = found.get(ids[row]!);
      if (!item) continue;
      eventTimes[row] = parseEventTs(item.event_ts?.S ?? "");
      const map = item.values?.M ?? {};
      const parts = request.features.map((f) => map[f]?.B);
      const buffer = Buffer.concat(parts.filter((p): p is Uint8Array => p !== undefined));
      values.setBuffer(row, buffer);
      let at = 0;
      parts.forEach((part, f) => {
        if (part === undefined) return;
        values.set(row, f, at, at + part.length);
        at += part.length;
      });
    }
    return { eventTimes, values };
  }

  /** Keys per BatchGetItem: `batch_size`. */
  private batches(ids: readonly string[]): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < ids.length; i += this.config.batchSize) out.push(ids.slice(i, i + this.config.batchSize));
    return out;
  }

  private async readBatch(name: string, ids: string[], found: Map<string, Record<string, AttributeValue>>, projection?: string): Promise<void> {
    const { sdk, client } = await this.connect();
    let keys: Record<string, AttributeValue>[] | undefined = ids.map((id) => ({ entity_id: { S: id } }));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > MAX_RETRIES) throw this.fail(`BatchGetItem on ${name}`, new Error(`${keys.length} keys still unprocessed after ${MAX_RETRIES} retries`));
      if (attempt > 0) await sleep(50 * 2 ** (attempt - 1));
      let response: BatchGetItemCommandOutput;
      try {
        response = await client.send(new sdk.BatchGetItemCommand({
          RequestItems: { [name]: { Keys: keys, ConsistentRead: this.config.consistentReads, ...(projection ? { ProjectionExpression: projection } : {}) } },
        }));
      } catch (e) {
        if ((e as Error).name === "ResourceNotFoundException") throw e;
        throw this.fail(`BatchGetItem on ${name}`, e);
      }
      for (const item of response.Responses?.[name] ?? []) found.set(item.entity_id!.S!, item);
      keys = response.UnprocessedKeys?.[name]?.Keys;
    }
  }

  private async writeBatch(name: string, requests: WriteRequest[]): Promise<void> {
    const { sdk, client } = await this.connect();
    let pending: WriteRequest[] | undefined = requests;
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > MAX_RETRIES) throw this.fail(`BatchWriteItem on ${name}`, new Error(`${pending.length} items still unprocessed after ${MAX_RETRIES} retries`), "the table is throttled: raise its capacity or write fewer rows at a time");
      if (attempt > 0) await sleep(50 * 2 ** (attempt - 1));
      try {
        const response: BatchWriteItemCommandOutput = await client.send(new sdk.BatchWriteItemCommand({ RequestItems: { [name]: pending } }));
        pending = response.UnprocessedItems?.[name];
      } catch (e) {
        const hint = (e as Error).name === "ResourceNotFoundException" ? "run `skewless apply` to create the view's table" : undefined;
        throw this.fail(`BatchWriteItem on ${name}`, e, hint);
      }
    }
  }

  private async describe(name: string): Promise<boolean> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.DescribeTableCommand({ TableName: name }));
      return true;
    } catch (e) {
      if ((e as Error).name === "ResourceNotFoundException") return false;
      throw this.fail(`DescribeTable ${name}`, e);
    }
  }

  /** A new table takes seconds to become ACTIVE on AWS; writes before that fail. */
  private async waitActive(name: string): Promise<void> {
    const { sdk, client } = await this.connect();
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      const out = await client.send(new sdk.DescribeTableCommand({ TableName: name })).catch((e: unknown) => { throw this.fail(`DescribeTable ${name}`, e); });
      if (out.Table?.TableStatus === "ACTIVE") return;
      if (Date.now() > deadline) throw this.fail(`waiting for table ${name}`, new Error(`still ${out.Table?.TableStatus} after 5 minutes`));
      await sleep(1000);
    }
  }

  private connect(): Promise<{ sdk: Sdk; client: DynamoDBClient }> {
    this.client ??= (async () => {
      // Loaded on first use: processes with another online store never pay for the AWS SDK.
      const sdk = await import("@aws-sdk/client-dynamodb");
      const endpoint = this.config.endpointUrl;
      return { sdk, client: new sdk.DynamoDBClient({ region: this.config.region, ...(endpoint ? { endpoint } : {}) }) };
    })();
    this.client.catch(() => { this.client = undefined; });
    return this.client;
  }

  private fail(action: string, cause: unknown, hint?: string): BackendError {
    return new BackendError("DynamoDB", action, cause, hint);
  }
}
