import type { RegistryConfig } from "../../config";
import { ConfigError } from "../../errors";
import { FileRegistryStore } from "./file-store";
import type { RegistryStore } from "./registry-store";

/** The store for a `registry:` setting: a local file now; `s3://` and `gs://` are named but not yet served. */
export function openRegistryStore(config: RegistryConfig): RegistryStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(config.path)?.[1]?.toLowerCase();
  if (!scheme || scheme === "file") return new FileRegistryStore(config.path.replace(/^file:\/\//i, ""));
  throw new ConfigError(
    `registry ${config.path}: ${scheme}:// registries are not supported by this version of Skewless`,
    "use a local path (e.g. data/registry.db) or a mounted file system",
  );
}
