// @skewless/runtime: named exports only.
export { FeatureStore, type FeatureStoreSource } from "./feature-store";
export { Entity, type EntityOptions } from "./definitions/entity";
export { Field, type FieldOptions } from "./definitions/field";
export {
  FileSource, BigQuerySource, PushSource, RequestSource,
  type FileSourceOptions, type BigQuerySourceOptions, type PushSourceOptions, type RequestSourceOptions, type DataSource,
} from "./definitions/sources";
export { FeatureView, FeatureViewProjection, type FeatureViewOptions } from "./definitions/feature-view";
export { FeatureService, type FeatureServiceOptions } from "./definitions/feature-service";
export { StreamFeatureView, type StreamFeatureViewOptions } from "./definitions/stream-feature-view";
export { Aggregation, AGGREGATION_FUNCTIONS, type AggregationOptions, type AggregationFunction } from "./definitions/aggregation";
export {
  OnDemandFeatureView, type OnDemandFeatureViewOptions, type OnDemandRow, type OnDemandTransform,
} from "./definitions/on-demand-feature-view";
export {
  Permission, RoleBasedPolicy, GroupBasedPolicy, NamespaceBasedPolicy, CombinedGroupNamespacePolicy, AllowAll,
  ALL_ACTIONS, READ, WRITE, CRUD, AUTHZED_ACTIONS, RESOURCE_TYPES, type AuthzedAction, type ResourceType, type Policy, type PermissionOptions,
} from "./definitions/permission";
export type { PermissionSpec } from "./registry/permission-proto";
export { dtypes, arrayOf, ValueType, type Dtype, type ScalarDtype } from "./definitions/dtypes";
export { parseDuration, formatDuration, type DurationInput } from "./duration";
export { loadRepoConfig, parseRepoConfig, CONFIG_FILE, type RepoConfig, type OnlineStoreConfig, type OfflineStoreConfig } from "./config";
export * from "./errors";
export { Registry } from "./registry/registry";
export { RegistryModel, type ManagedKind, type ObjectKind } from "./registry/model";
export { RegistryCatalog, type FeatureViewInfo, type FeatureServiceInfo, type SourceInfo, type ColumnInfo } from "./registry/catalog";
export { collectDefinitions, compileDefinitions, type Definitions, type DesiredState } from "./registry/compile";
export { planRegistry, diffObjects, type RegistryPlan, type ObjectChange, type PropertyChange } from "./registry/diff";
export { renderPlan, renderChange, renderProperty } from "./registry/render-plan";
export { flatten, type FlatSpec, type FlatValue } from "./registry/flat-spec";
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
  specFromProto, type ObjectSpec, type ObjectSpecs, type ObjectSpecMetadata, type EntitySpec, type DataSourceSpec,
  type FileSourceSpec, type BigQuerySourceSpec, type PushSourceSpec, type UnsupportedSourceSpec, type FeatureViewSpec,
  type FeatureServiceSpec,
} from "./registry/object-spec";
export { compileSpec, specsFromDefinitions, checkServiceSpec, parseProjection, type ProjectionSpec } from "./registry/compile-spec";
export { RegistryObjects, checkObject, type ObjectPlan, type ObjectState, type SpecProblem } from "./registry/registry-objects";
export { syncOnlineInfra } from "./repo/sync-online-infra";
export type { OnlineStore, OnlineTable, OnlineRow, OnlineReadRequest, OnlineReadResult, WriteResult, BulkWrite } from "./online/online-store";
export { openOnlineStore, onlineTable } from "./online/open-online-store";
export { SqliteOnlineStore } from "./online/sqlite/sqlite-online-store";
export { RedisOnlineStore } from "./online/redis/redis-online-store";
export { EntityKeyEncoder, serializeEntityKey, deserializeEntityKey, entityKeyPrefix, type EntityKeyVersion } from "./online/entity-key";
export { murmur3, murmur3Field } from "./online/murmur3";
export { ValueWriter, packValues, unpackValues } from "./online/value-encoder";
export { decodeValue, decodeValueAt, type OnlineValue } from "./online/value-decoder";
export { ValueGrid } from "./online/value-grid";
export { OnlineResponse, type FeatureVector, type FieldStatus } from "./online/retrieval/online-response";
export type { OnlineFeaturesRequest } from "./online/retrieval/online-retriever";
export type { EntityRows } from "./online/retrieval/entity-rows";
export type { MaterializeOptions, MaterializeResult, ViewMaterialization } from "./materialize/materializer";
export { progressReporter, type MaterializeProgress } from "./materialize/progress";
export type { ValidateOptions, ValidationReport, Discrepancy } from "./checks/validate";
export { INTERVAL_TAG, type FreshnessOptions, type ViewFreshness } from "./checks/freshness";
export { RegistryCache } from "./registry/registry-cache";
export type { OfflineStore, PulledBatch, PullLatestOptions } from "./offline/offline-store";
export { openOfflineStore } from "./offline/open-offline-store";
export { DuckDBOfflineStore, type DuckDBOfflineStoreOptions } from "./offline/duckdb/duckdb-offline-store";
export type { HistoricalFeaturesRequest } from "./feature-store";
export type { HistoricalRetrievalRequest } from "./offline/offline-store";
export type { RetrievalJob, ParquetWriteResult } from "./offline/retrieval-job";
export { ENTITY_TIMESTAMP, type EntityDataFrame, type EntityRow } from "./offline/entity-data";
export { resolveFeatures, type FeatureSelection, type RequestedView, type ResolvedFeatures } from "./registry/feature-refs";
export { planPointInTime, type PointInTimePlan, type EntityRelation, type ViewJoin } from "./offline/point-in-time";
export { sourceRelation, type SourceRelation, type SourceLocation, type SourceColumn } from "./offline/source-relation";
export { compilePointInTime, type JoinStrategy } from "./offline/sql/compile-point-in-time";
export { compileLatest } from "./offline/sql/compile-latest";
export type { SqlDialect } from "./offline/sql/dialect";
export { DuckDBDialect } from "./offline/duckdb/duckdb-dialect";
export { BigQueryDialect } from "./offline/bigquery/bigquery-dialect";
export { runQuickstart, quickstartSteps, type QuickstartStep, type QuickstartContext } from "./demo/quickstart";
export { REDIS_ACL_RULES, redisAccessString, type RedisRole } from "./online/redis/redis-acl";
