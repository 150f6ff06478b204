import type { Dtype } from "../../definitions/dtypes";
import type { HistoricalRetrievalRequest } from "../offline-store";
import { classifyEntityData } from "../entity-data";
import { planPointInTime } from "../point-in-time";
import { aggregationInputs, sourceRelation, type SourceRelation } from "../source-relation";
import { compilePointInTime, type JoinStrategy } from "../sql/compile-point-in-time";
import type { SqlDialect } from "../sql/dialect";
import { DuckDBRetrievalJob } from "./duckdb-retrieval-job";
import type { DuckDBSession } from "./duckdb-session";
import { loadEntities } from "./entity-loader";
import { inspectSource } from "./source-inspector";

export interface RetrievalContext {
  session: DuckDBSession;
  dialect: SqlDialect;
  repoPath: string;
  strategy: JoinStrategy;
  onClose: (job: DuckDBRetrievalJob) => void;
}

/**
 * Checks the sources, loads the entity rows into the job's own connection and compiles the plan.
 * Everything that can be wrong with the inputs fails here, before any join runs.
 */
export async function prepareRetrieval(context: RetrievalContext, request: HistoricalRetrievalRequest): Promise<DuckDBRetrievalJob> {
  const entityInput = classifyEntityData(request.entityDf, context.repoPath);
  const relations = request.views.map((v) => sourceRelation(v.view, context.repoPath, aggregationInputs(v) ?? v.features));
  const connection = await context.session.connect();
  try {
    const sources: SourceRelation[] = [];
    for (const relation of relations) sources.push(await inspectSource(connection, relation, context.dialect));
    const entity = await loadEntities(connection, entityInput, joinKeyTypes(request, sources), context.dialect);
    const plan = planPointInTime(request.views, sources, entity, request);
    const sql = compilePointInTime(plan, context.dialect, context.strategy);
    const table = entity.location.kind === "table" ? entity.location.table : "";
    const file = entityInput.kind === "parquet" && !/[*?[]/.test(entityInput.path) ? entityInput.path : undefined;
    const summary = { table, columns: entity.columns, timeRange: entity.timeRange, rows: entity.rowCount, file };
    return new DuckDBRetrievalJob(connection, sql, plan.outputColumns, summary, context.onClose);
  } catch (error) {
    connection.closeSync();
    throw error;
  }
}

/** The declared type of every entity column a join key reads (first view wins when two disagree). */
function joinKeyTypes(request: HistoricalRetrievalRequest, sources: readonly SourceRelation[]): Map<string, Dtype> {
  const types = new Map<string, Dtype>();
  request.views.forEach((requested, i) => {
    for (const key of sources[i].joinKeys) {
      const column = requested.entityColumns[key.name] ?? key.name;
      if (key.constant === undefined && key.dtype && !types.has(column)) types.set(column, key.dtype);
    }
  });
  return types;
}
