// @skewless/runtime/internal: everything the root exports, plus the registry, store, encoding and
// SQL internals the CLI, the Pulumi components, tests and benches build on. No stability promise:
// apps import from "@skewless/runtime". Importing this loads what the root does; the heavy clients
// still load on first use.
export * from "./index";
export { Registry } from "./registry/registry";
export { RegistryModel, type ManagedKind, type ObjectKind } from "./registry/model";
export { collectDefinitions, compileDefinitions, type DesiredState } from "./registry/compile";
export { planRegistry, diffObjects, type RegistryPlan, type ObjectChange, type PropertyChange } from "./registry/diff";
export { renderPlan, renderChange, renderProperty } from "./registry/render-plan";
export { applyPlan, markManaged, objectManager } from "./registry/apply";
export { MANAGED_BY_FIELD, MANAGED_BY_TAG, type Manager } from "./registry/ownership";
export { FileRegistryStore } from "./registry/stores/file-store";
export { openRegistryStore } from "./registry/stores/open-store";
export { S3RegistryStore, type S3RegistryStoreOptions } from "./registry/stores/s3-store";
export { GcsRegistryStore } from "./registry/stores/gcs-store";
export { parseObjectUri, type ObjectUri, type ObjectScheme } from "./registry/stores/object-uri";
export type { RegistryStore, RegistrySnapshot } from "./registry/stores/registry-store";
export { decodeRegistry, encodeRegistry } from "./registry/integrity";
export { decodeMessage, encodeMessage, UNKNOWN_FIELDS, type ProtoMessage } from "./registry/proto/codec";
export { loadDefinitions } from "./repo/load-definitions";
export {
  flatten, specFromProto, specToProto, checkSpec, specsFromDefinitions, SPEC_HANDLERS, KIND_HANDLERS,
  type FlatSpec, type FlatValue, type ObjectSpec, type ObjectSpecs, type ObjectSpecMetadata, type EntitySpec, type DataSourceSpec,
  type FileSourceSpec, type BigQuerySourceSpec, type PushSourceSpec, type KafkaSourceSpec, type UnsupportedSourceSpec, type FeatureViewSpec,
  type FeatureSpec, type ColumnSpec, type FeatureServiceSpec, type ProjectionSpec,
} from "./registry/kinds";
export { RegistryObjects, checkObject, type ObjectPlan, type ObjectState, type SpecProblem } from "./registry/registry-objects";
export { syncOnlineInfra } from "./repo/sync-online-infra";
export type { OnlineStore, OnlineTable, OnlineRow, OnlineReadRequest, OnlineReadResult, WriteResult, BulkWrite } from "./online/online-store";
export { openOnlineStore, onlineTable } from "./online/open-online-store";
export { BatchEncoder } from "./materialize/batch-encoder";
export { SqliteOnlineStore } from "./online/sqlite/sqlite-online-store";
export { RedisOnlineStore } from "./online/redis/redis-online-store";
export { EntityKeyEncoder, serializeEntityKey, deserializeEntityKey, entityKeyPrefix, type EntityKeyVersion } from "./online/entity-key";
export { murmur3, murmur3Field } from "./online/murmur3";
export { ValueWriter, packValues, unpackValues } from "./online/value-encoder";
export { decodeValue, decodeValueAt, type OnlineValue } from "./online/value-decoder";
export { ValueGrid } from "./online/value-grid";
export { RegistryCache } from "./registry/registry-cache";
export type { OfflineStore, PulledBatch, PullLatestOptions } from "./offline/offline-store";
export { openOfflineStore } from "./offline/open-offline-store";
export { DuckDBOfflineStore, type DuckDBOfflineStoreOptions } from "./offline/duckdb/duckdb-offline-store";
export type { HistoricalRetrievalRequest, OfflineRows, OfflineWriteResult } from "./offline/offline-store";
export { resolveFeatures, type RequestedView, type ResolvedFeatures } from "./registry/feature-refs";
export { planPointInTime, type PointInTimePlan, type EntityRelation, type ViewJoin } from "./offline/point-in-time";
export { sourceRelation, type SourceRelation, type SourceLocation, type SourceColumn } from "./offline/source-relation";
export { compilePointInTime, type JoinStrategy } from "./offline/sql/compile-point-in-time";
export { compileLatest } from "./offline/sql/compile-latest";
export type { SqlDialect } from "./offline/sql/dialect";
export { DuckDBDialect } from "./offline/duckdb/duckdb-dialect";
export { BigQueryDialect } from "./offline/bigquery/bigquery-dialect";
export { runQuickstart, quickstartSteps, type QuickstartStep, type QuickstartContext } from "./demo/quickstart";
export { REDIS_ACL_RULES, redisAccessString, type RedisRole } from "./online/redis/redis-acl";
// The Redis read path's pieces, for the read-path benchmark (bench/online/read-candidates.ts).
export { READ_SCRIPT, READ_SCRIPT_SHA } from "./online/redis/redis-scripts";
export { encodeCommand, RespConnection } from "./online/redis/resp-connection";
