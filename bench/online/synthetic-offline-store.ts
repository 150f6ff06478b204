import type { FeatureViewInfo, OfflineStore, RetrievalJob } from "@skewless/runtime";

/**
 * An offline store that makes rows up instead of reading files: it isolates the online side of
 * materialization (encode + write) from the cost of reading parquet. Values are a function of the
 * entity id and feature index, so reads can be checked.
 */
export class SyntheticOfflineStore implements OfflineStore {
  constructor(readonly entities: number, readonly eventTime: Date) {}

  async *pullLatest(view: FeatureViewInfo, _start: Date, _end: Date, options: { batchRows?: number } = {}) {
    const batchRows = options.batchRows ?? 10_000;
    for (let first = 0; first < this.entities; first += batchRows) {
      const n = Math.min(batchRows, this.entities - first);
      const ids: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) ids[i] = BigInt(first + i);
      const featureColumns = view.features.map((f, j) => {
        const column: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) column[i] = syntheticValue(f.dtype ?? "Float64", first + i, j);
        return column;
      });
      yield {
        rowCount: n,
        joinKeyColumns: [ids],
        featureColumns,
        eventTimestamps: new Array(n).fill(this.eventTime),
        totalRows: this.entities,
      };
    }
  }

  async getHistoricalFeatures(): Promise<RetrievalJob> {
    throw new Error("the synthetic offline store only feeds materialization");
  }

  /** Generated rows have the declared types by construction: there is no schema to read. */
  async checkSource(): Promise<void> {}

  async close(): Promise<void> {}
}

export function syntheticValue(dtype: string, entity: number, feature: number): unknown {
  switch (dtype) {
    case "Int32": return (entity * 31 + feature) % 100_000;
    case "Int64": return BigInt(entity) * 1000n + BigInt(feature);
    case "Float32": return Math.fround(((entity + feature) % 1000) / 7);
    case "String": return `v${entity % 997}-${feature}`;
    case "Bool": return (entity + feature) % 2 === 0;
    default: return (entity % 10_000) / 3 + feature;
  }
}
