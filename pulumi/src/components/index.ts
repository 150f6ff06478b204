export { FeatureStore, type FeatureStoreArgs, type FeatureStoreFromRepoArgs } from "./feature-store";
export { Entity, type EntityArgs } from "./entity";
export { DataSource, type DataSourceArgs } from "./data-source";
export { FeatureView, type FeatureViewArgs } from "./feature-view";
export { FeatureService, type FeatureServiceArgs } from "./feature-service";
export { Permission, type PermissionArgs } from "./permission";
export type { RegistryTarget } from "./registry-target";
export type { RegisteredObjects } from "./register-definitions";
export {
  renderFeatureStoreYaml, type Cloud, type FeatureStoreYamlSettings, type OnlineStoreSettings, type OfflineStoreSettings,
} from "./feature-store-yaml";
export type { Deployment, StoreSettings } from "./deployment";
export type { LocalStoreArgs } from "./local-deployment";
export { awsDeployment, type AwsStoreArgs, type AwsDeployment } from "./aws/aws-deployment";
export { AwsDataBucket, type AwsDataBucketArgs } from "./aws/data-bucket";
export { AwsRedisOnlineStore, type AwsRedisOnlineStoreArgs } from "./aws/redis-online-store";
export { AwsDynamoDbOnlineStore, type AwsDynamoDbOnlineStoreArgs } from "./aws/dynamodb-online-store";
export { AwsMaterializationSchedule, type AwsMaterializationScheduleArgs } from "./aws/materialization-schedule";
export { AwsMaterializationAlarms, type AwsMaterializationAlarmArgs } from "./aws/materialization-alarms";
export type { MaterializationRecovery } from "./materialization-job";
export { gcpDeployment, type GcpStoreArgs, type GcpDeployment } from "./gcp/gcp-deployment";
export { GcpDataBucket, type GcpDataBucketArgs } from "./gcp/data-bucket";
export { GcpRedisOnlineStore, type GcpRedisOnlineStoreArgs } from "./gcp/redis-online-store";
export { GcpMaterializationSchedule, type GcpMaterializationScheduleArgs } from "./gcp/materialization-schedule";
export { projectRoot, resolveLocal, isUri } from "./project-root";
