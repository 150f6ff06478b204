import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import type { EntityInput } from "../entity-data";
import type { SourceRelation } from "../source-relation";
import { WarehouseOfflineStore, type UploadedEntityTable } from "../warehouse/warehouse-offline-store";
import type { BigQueryOfflineStoreConfig } from "./bigquery-config";
import { BigQueryDialect } from "./bigquery-dialect";
import { BigQuerySession } from "./bigquery-session";
import { inspectBigQuerySource } from "./bigquery-source-inspector";
import { fromBigQuery } from "./bigquery-types";
import { dropEntities, uploadEntities } from "./entity-upload";

export interface BigQueryOfflineStoreOptions extends BigQueryOfflineStoreConfig {
  repoPath: string;
  /** A BigQuery emulator's URL (`SKEWLESS_BIGQUERY_ENDPOINT`): no credentials are looked up. */
  endpoint?: string;
}

/**
 * Feast's BigQuery offline store: BigQuerySource tables and queries, joined in BigQuery with the
 * point-in-time plan's BigQuery spelling. Entity rows are checked locally (as DuckDB's store does)
 * and uploaded to a temporary table of `dataset`, deleted when the job closes.
 *
 * @example
 * const store = new BigQueryOfflineStore({ repoPath: ".", dataset: "feast", tableCreateDisposition: "CREATE_IF_NEEDED" });
 */
export class BigQueryOfflineStore extends WarehouseOfflineStore {
  readonly dialect = new BigQueryDialect();
  protected readonly backend = "BigQuery";
  private readonly session: BigQuerySession;
  protected readonly pulls: BigQuerySession;
  protected readonly results: BigQuerySession;
  protected readonly convert = fromBigQuery;

  constructor(readonly options: BigQueryOfflineStoreOptions) {
    super(options.repoPath);
    this.session = this.pulls = this.results = new BigQuerySession(options);
  }

  protected inspect(relation: SourceRelation): Promise<SourceRelation> {
    return inspectBigQuerySource(this.session, relation, this.dialect);
  }

  protected uploadEntities(connection: DuckDBConnection, input: EntityInput, keyTypes: ReadonlyMap<string, Dtype>): Promise<UploadedEntityTable> {
    return uploadEntities(this.session, this.options.dataset, connection, input, keyTypes, this.options.tableCreateDisposition === "CREATE_IF_NEEDED");
  }

  protected dropEntities(table: string): Promise<void> {
    return dropEntities(this.session, table);
  }
}
