// @skewless/runtime: the curated API for apps and feature repos. Importing it loads the online path
// only; DuckDB, Arrow, the cloud SDKs, jiti and each online store's client load on the first call
// that needs them (they are optional peer dependencies). Registry, store and SQL internals are
// exported from "@skewless/runtime/internal", with no stability promise.
export { FeatureStore, SKEWLESS_VERSION, type FeatureStoreSource, type FeatureStoreYaml, type FeatureStoreOptions } from "./feature-store";
export { Entity, type EntityOptions } from "./definitions/entity";
export { Field, type FieldOptions } from "./definitions/field";
export {
  FileSource, BigQuerySource, SnowflakeSource, PushSource, RequestSource, KafkaSource,
  type FileSourceOptions, type BigQuerySourceOptions, type SnowflakeSourceOptions, type PushSourceOptions, type RequestSourceOptions,
  type KafkaSourceOptions, type KafkaMessageFormat, type DataSource,
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
export type { PermissionSpec } from "./registry/kinds/permission";
export { dtypes, arrayOf, ValueType, type Dtype, type ScalarDtype } from "./definitions/dtypes";
export { parseDuration, formatDuration, type DurationInput } from "./duration";
export { loadRepoConfig, parseRepoConfig, CONFIG_FILE, type RepoConfig, type OnlineStoreConfig, type OfflineStoreConfig } from "./config";
export * from "./errors";
export { RegistryCatalog, type FeatureViewInfo, type FeatureServiceInfo, type SourceInfo, type ColumnInfo } from "./registry/catalog";
export { OnlineResponse, type FeatureVector, type FieldStatus, type FeatureColumn, type OnlineRow } from "./online/retrieval/online-response";
export type { OnlineFeaturesRequest, RequestedColumns } from "./online/retrieval/online-retriever";
export type { EntityRows } from "./online/retrieval/entity-rows";
export type { MaterializeOptions, MaterializeResult, ViewMaterialization } from "./materialize/materializer";
export { progressReporter, type MaterializeProgress } from "./materialize/progress";
export type { ValidateOptions, ValidationReport, Discrepancy } from "./checks/validate";
export { INTERVAL_TAG, type FreshnessOptions, type ViewFreshness } from "./checks/freshness";
export type { HistoricalFeaturesRequest } from "./feature-store";
export { PUSH_MODES, type PushMode, type PushOptions, type PushResult } from "./push/push";
export type { PushRows } from "./push/push-batch";
export type { ViewWrite } from "./push/online-write";
export type { RetrievalJob, ParquetWriteResult } from "./offline/retrieval-job";
export { ENTITY_TIMESTAMP, type EntityDataFrame, type EntityRow } from "./offline/entity-data";
export type { OfflineStore } from "./offline/offline-store";
export type { HistoricalRetrievalJob } from "./offline/retrieval-job";
export type { FeatureSelection } from "./registry/feature-refs";
export type { Definitions } from "./registry/compile";
export type { Int64Mode } from "./online/value-decoder";
