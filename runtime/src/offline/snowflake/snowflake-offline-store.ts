import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import type { EntityInput } from "../entity-data";
import type { SourceRelation } from "../source-relation";
import type { ResultPages } from "../warehouse/warehouse-retrieval-job";
import { WarehouseOfflineStore, type UploadedEntityTable } from "../warehouse/warehouse-offline-store";
import { dropEntities, uploadEntities } from "./entity-upload";
import { SnowflakeDialect } from "./snowflake-dialect";
import { SnowflakeSession, type SnowflakeSessionOptions } from "./snowflake-session";
import { inspectSnowflakeSource } from "./snowflake-source-inspector";
import { fromSnowflake, resultCells } from "./snowflake-types";

export interface SnowflakeOfflineStoreOptions extends SnowflakeSessionOptions {
  repoPath: string;
}

/**
 * Feast's Snowflake offline store (`snowflake.offline`): SnowflakeSource tables and queries, joined
 * in Snowflake with the point-in-time plan's Snowflake spelling. Entity rows are checked locally
 * (as DuckDB's store does) and copied into a temporary table of the session, dropped when the job
 * closes. One connection per store, opened on first use.
 *
 * @example
 * const store = new SnowflakeOfflineStore({ repoPath: ".", account: "xy12345", user: "feast", password, database: "FEAST", schema: "PUBLIC" });
 */
export class SnowflakeOfflineStore extends WarehouseOfflineStore {
  readonly dialect = new SnowflakeDialect();
  protected readonly backend = "Snowflake";
  private readonly session: SnowflakeSession;
  protected readonly pulls: SnowflakeSession;
  protected readonly results: ResultPages;
  protected readonly convert = fromSnowflake;

  constructor(readonly options: SnowflakeOfflineStoreOptions) {
    super(options.repoPath);
    this.session = this.pulls = new SnowflakeSession(options);
    const session = this.session;
    this.results = {
      async *pages(sql: string) {
        for await (const page of session.pages(sql)) yield { rows: page.rows.map((r) => resultCells(r, page.columns)) };
      },
    };
  }

  protected inspect(relation: SourceRelation): Promise<SourceRelation> {
    return inspectSnowflakeSource(this.session, relation, this.dialect);
  }

  protected uploadEntities(connection: DuckDBConnection, input: EntityInput, keyTypes: ReadonlyMap<string, Dtype>): Promise<UploadedEntityTable> {
    return uploadEntities(this.session, connection, input, keyTypes);
  }

  protected dropEntities(table: string): Promise<void> {
    return dropEntities(this.session, table);
  }

  protected override closeSession(): Promise<void> {
    return this.session.close();
  }
}
