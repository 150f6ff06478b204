import { Kafka, logLevel, type Consumer, type EachBatchPayload } from "kafkajs";
import { InvalidArgumentError, SkewlessError } from "../errors";
import type { FeatureStore } from "../feature-store";
import type { FeatureViewInfo, SourceInfo } from "../registry/catalog";
import { writeOnline } from "../push/online-write";
import { preparePush, type PreparedPush, type PushMode } from "../push/push";
import type { PushRows } from "../push/push-batch";
import { messageDecoder, type MessageDecoder } from "./message-decoder";
import { OfflineBuffer, type PartitionOffset } from "./offline-buffer";
import { messageColumns, rowsFromMessages } from "./stream-rows";

export interface StreamWorkerOptions {
  /** The KafkaSource to consume (every feature view it feeds gets its rows). */
  source: string;
  /** Consumer group (default `skewless-<project>-<source>`): workers in one group share the partitions. */
  groupId?: string;
  /** `online` (default), `offline` or `online_and_offline`, as for a push. */
  to?: PushMode;
  /** Brokers to use instead of the source's `kafka_bootstrap_servers`. */
  brokers?: string[];
  /** With `to` including offline: append at least this often (default 5 s) ... */
  offlineFlushSeconds?: number;
  /** ... or once this many rows wait (default 50,000); at twice that, consumption waits for the append. */
  offlineFlushRows?: number;
  /** How far past now an event time may be (default 300 s). */
  futureSkewSeconds?: number;
  /** Partitions whose batches are written at the same time (default 3); each partition stays in order. */
  partitionsConcurrently?: number;
  /** Progress and refused messages, one line each. */
  log?: (line: string) => void;
}

export interface StreamStats {
  consumed: number;
  /** Online rows stored / not stored because a newer event time was there (per view, summed). */
  written: number;
  skipped: number;
  /** Messages that could not be read or were refused (logged, then passed over). */
  rejected: number;
  offlineRows: number;
}

/**
 * `skewless stream`: consumes a KafkaSource's topic in a consumer group and writes each fetched
 * batch through the same path as a push. At least once: a partition's offset is committed only
 * after its rows are written (online, and offline when `to` says so), so a crash replays the rows
 * since the last commit; writes keep the newest event time per entity, and aggregation tiles
 * record the offsets they counted, so the replay changes nothing visible online. Backpressure: kafkajs fetches a partition again only once the previous batch's
 * writes are done, and a full offline buffer makes the batch wait for the append.
 */
export class StreamWorker {
  readonly stats: StreamStats = { consumed: 0, written: 0, skipped: 0, rejected: 0, offlineRows: 0 };
  private readonly consumer: Consumer;
  private readonly offline?: OfflineBuffer;
  private timer?: NodeJS.Timeout;
  private failure?: (error: unknown) => void;
  /** Settles when the worker stops: resolved by `stop()`, rejected when a write fails. */
  readonly done: Promise<void>;
  private stopping?: Promise<void>;
  private failed = false;
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    private readonly store: FeatureStore,
    private readonly views: FeatureViewInfo[],
    private readonly stream: SourceInfo,
    private readonly options: StreamWorkerOptions,
  ) {
    const kafka = stream.kafka!;
    const brokers = options.brokers ?? kafka.bootstrapServers.split(",").map((b) => b.trim()).filter(Boolean);
    const client = new Kafka({ clientId: "skewless-stream", brokers, logLevel: logLevel.NOTHING });
    this.consumer = client.consumer({
      groupId: options.groupId ?? `skewless-${store.project}-${stream.name}`,
      // Bounded fetches: a slow store is never handed more than this per partition at once.
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeInMs: 250,
      // A crashed worker's partitions move to the others after 10 s (kafkajs' default is 30 s).
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
    });
    if (this.to !== "online") this.offline = new OfflineBuffer(store, views, options.futureSkewSeconds);
    this.done = new Promise((resolve, reject) => {
      this.failure = reject;
      this.resolveDone = resolve;
    });
    this.done.catch(() => undefined);
  }

  private resolveDone?: () => void;

  private get to(): PushMode {
    return this.options.to ?? "online";
  }

  /** Looks the source up in the registry, joins the group and starts consuming. */
  static async start(store: FeatureStore, options: StreamWorkerOptions): Promise<StreamWorker> {
    const all = (await store.servingCatalog()).featureViews();
    const views = all.filter((v) => v.streamSource?.type === "kafka" && v.streamSource.name === options.source);
    if (views.length === 0) {
      const known = [...new Set(all.filter((v) => v.streamSource?.type === "kafka").map((v) => v.streamSource!.name))].sort();
      throw new InvalidArgumentError(
        `no feature view in project ${store.project} is fed by a KafkaSource named ${options.source}`,
        known.length ? `KafkaSources feeding views: ${known.join(", ")}` : "define a KafkaSource, use it as a feature view's source, and run `skewless apply`",
      );
    }
    const stream = views[0]!.streamSource!;
    if (!stream.kafka?.topic) throw new InvalidArgumentError(`KafkaSource ${stream.name} has no topic`);
    const worker = new StreamWorker(store, views, stream, options);
    await worker.run(messageDecoder(stream.name, stream.kafka));
    return worker;
  }

  private async run(decode: MessageDecoder): Promise<void> {
    const columns = new Map<string, string>();
    for (const view of this.views) for (const [column, field] of messageColumns(view, this.stream)) columns.set(column, field);
    await this.consumer.connect();
    // A new group starts at the topic's beginning: nothing produced before the first start is lost.
    await this.consumer.subscribe({ topic: this.stream.kafka!.topic, fromBeginning: true });
    // kafkajs restarts itself after retriable errors (a coordinator still loading, a rebalance).
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => {
        const work = this.batch(payload, decode, columns).catch((error: unknown) => {
          this.fail(error);
          throw error;
        });
        this.inFlight.add(work);
        return work.finally(() => this.inFlight.delete(work));
      },
    });
    if (this.offline) {
      const every = (this.options.offlineFlushSeconds ?? 5) * 1000;
      this.timer = setInterval(() => void this.flushOffline().catch((error: unknown) => this.fail(error)), every);
      this.timer.unref();
    }
  }

  private async batch({ batch, resolveOffset, heartbeat }: EachBatchPayload, decode: MessageDecoder, columns: Map<string, string>): Promise<void> {
    if (batch.messages.length === 0 || this.failed || this.stopping) return;
    const records: Record<string, unknown>[] = [];
    const offsets: string[] = [];
    for (const message of batch.messages) {
      try {
        if (!message.value) throw new Error("the message has no value");
        records.push(decode(message.value));
        offsets.push(message.offset);
      } catch (error) {
        this.reject(batch.topic, batch.partition, message.offset, error);
      }
    }
    this.stats.consumed += batch.messages.length;
    const { rows, count, prepared, kept } = this.prepare(rowsFromMessages(columns, records), records, columns, batch.topic, batch.partition, offsets);
    // Tiles count each (partition, offset) once: a batch consumed again after a restart adds nothing.
    const positions = { partition: `${batch.topic}/${batch.partition}`, offsets: kept.map((o) => BigInt(o)) };
    for (const write of prepared.online) {
      const result = await writeOnline(this.store, { ...write, positions });
      this.stats.written += result.written;
      this.stats.skipped += result.skipped;
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const next: PartitionOffset = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
    resolveOffset(last);
    if (this.offline) {
      this.offline.add(rows, count, next);
      const limit = this.options.offlineFlushRows ?? 50_000;
      if (this.offline.rows >= limit) {
        const flushed = this.flushOffline();
        // Backpressure: past twice the limit, wait for the append before fetching more.
        if (this.offline.rows >= limit) await flushed;
      }
    } else {
      await this.commit([next]);
    }
    await heartbeat();
  }

  /**
   * The batch checked for every view. A batch refused as a whole (one bad value refuses all) is
   * retried message by message, so only the bad messages are passed over (and logged). `kept`:
   * the offsets of the rows that remain.
   */
  private prepare(rows: PushRows, records: Record<string, unknown>[], columns: Map<string, string>, topic: string, partition: number, offsets: string[]): { rows: PushRows; count: number; prepared: PreparedPush; kept: string[] } {
    const online: PushMode = this.to === "offline" ? "offline" : "online";
    try {
      return { rows, count: records.length, prepared: preparePush(this.store, this.views, rows, online, this.options.futureSkewSeconds), kept: offsets };
    } catch (error) {
      if (!(error instanceof SkewlessError)) throw error;
    }
    const good: Record<string, unknown>[] = [];
    const kept: string[] = [];
    records.forEach((record, i) => {
      try {
        preparePush(this.store, this.views, rowsFromMessages(columns, [record]), online, this.options.futureSkewSeconds);
        good.push(record);
        kept.push(offsets[i]!);
      } catch (error) {
        this.reject(topic, partition, offsets[i] ?? "?", error);
      }
    });
    const rowsKept = rowsFromMessages(columns, good);
    return { rows: rowsKept, count: good.length, prepared: preparePush(this.store, this.views, rowsKept, online, this.options.futureSkewSeconds), kept };
  }

  private reject(topic: string, partition: number, offset: string, error: unknown): void {
    this.stats.rejected++;
    const why = error instanceof SkewlessError ? error.message : (error as Error)?.message ?? String(error);
    this.options.log?.(`skipped message ${topic}/${partition}@${offset}: ${why}`);
  }

  private async flushOffline(): Promise<void> {
    if (!this.offline) return;
    const pending = this.offline.rows;
    const offsets = await this.offline.flush();
    this.stats.offlineRows += pending;
    if (offsets.length) await this.commit(offsets);
  }

  /**
   * A commit refused during a rebalance is not fatal: the rows are written, so whoever gets the
   * partition replays them harmlessly.
   */
  private async commit(offsets: PartitionOffset[]): Promise<void> {
    if (this.failed) return;
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      this.options.log?.(`offset commit failed (the rows since the last commit will be replayed): ${(error as Error).message}`);
    }
  }

  private fail(error: unknown): void {
    // After a failed write nothing more is committed: a later commit could cover the lost rows.
    this.failed = true;
    this.failure?.(error);
  }

  /**
   * Stops fetching, lets the batches in progress finish, appends what waits offline and commits
   * it (unless a write failed), then leaves the group.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      try {
        this.consumer.pause([{ topic: this.stream.kafka!.topic }]);
        await Promise.allSettled([...this.inFlight]);
        if (!this.failed) await this.flushOffline();
      } finally {
        await this.consumer.disconnect();
        this.resolveDone?.();
      }
    })();
    return this.stopping;
  }
}
