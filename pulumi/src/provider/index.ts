export { RegistryObject, REGISTRY_OBJECT_TYPES, type RegistryObjectArgs } from "./registry-object";
export { registryObjectProvider, type OnlineStoreInput, type RegistryObjectInputs, type RegistryObjectOutputs } from "./registry-object-provider";
