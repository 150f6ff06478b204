import type { FeatureStore } from "../feature-store";
import type { FeatureViewInfo } from "../registry/catalog";
import type { PushRows } from "../push/push-batch";
import { preparePush, writeOffline } from "../push/push";

/** A partition's position: the next offset to read, as Kafka commits it. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Rows waiting for the offline append, with the offsets they cover. Offline appends write a
 * parquet file each, so the worker appends every few seconds rather than per fetch; offsets are
 * committed only once their rows are in the file, so a crash before then replays them.
 */
export class OfflineBuffer {
  private columns: PushRows = {};
  private count = 0;
  private offsets = new Map<string, PartitionOffset>();
  private flushing: Promise<PartitionOffset[]> = Promise.resolve([]);

  constructor(private readonly store: FeatureStore, private readonly views: readonly FeatureViewInfo[], private readonly futureSkewSeconds?: number) {}

  get rows(): number {
    return this.count;
  }

  add(rows: PushRows, rowCount: number, offset: PartitionOffset): void {
    for (const [column, values] of Object.entries(rows)) {
      const into = (this.columns[column] ??= new Array<unknown>(this.count).fill(null));
      for (const v of values) into.push(v);
    }
    this.count += rowCount;
    for (const values of Object.values(this.columns)) while (values.length < this.count) values.push(null);
    this.offsets.set(`${offset.topic}:${offset.partition}`, offset);
  }

  /** Appends what is buffered (after any append already running); resolves to the offsets now safe to commit. */
  flush(): Promise<PartitionOffset[]> {
    // Take the buffer now: rows added while the append runs wait for the next one.
    const [rows, count, offsets] = [this.columns, this.count, [...this.offsets.values()]];
    this.columns = {};
    this.count = 0;
    this.offsets = new Map();
    const next = this.flushing.then(async () => {
      if (count > 0) {
        const prepared = preparePush(this.store, this.views, rows, "offline", this.futureSkewSeconds);
        for (const item of prepared.offline) await writeOffline(this.store, item.view, item.rows);
      }
      return offsets;
    });
    // A failed append fails its caller; the next flush still runs.
    this.flushing = next.catch(() => []);
    return next;
  }
}
