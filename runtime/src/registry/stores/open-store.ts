import type { RegistryConfig } from "../../config";
import { FileRegistryStore } from "./file-store";
import { parseObjectUri } from "./object-uri";
import type { RegistryStore } from "./registry-store";

/**
 * The store for a `registry:` setting: a local path (or `file://`), `s3://bucket/key` or
 * `gs://bucket/key`. Any other scheme, or a malformed URI, is a RegistryUriError.
 */
export function openRegistryStore(config: RegistryConfig): RegistryStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(config.path)?.[1]?.toLowerCase();
  if (!scheme || scheme === "file") return new FileRegistryStore(config.path.replace(/^file:\/\//i, ""));
  const uri = parseObjectUri(config.path);
  // A cloud store's module loads only for its scheme (its SDK loads later still, on first read).
  if (uri.scheme === "s3") return new (require("./s3-store") as typeof import("./s3-store")).S3RegistryStore(uri.uri);
  return new (require("./gcs-store") as typeof import("./gcs-store")).GcsRegistryStore(uri.uri);
}
