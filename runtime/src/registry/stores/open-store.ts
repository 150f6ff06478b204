import type { RegistryConfig } from "../../config";
import { FileRegistryStore } from "./file-store";
import { GcsRegistryStore } from "./gcs-store";
import { parseObjectUri } from "./object-uri";
import type { RegistryStore } from "./registry-store";
import { S3RegistryStore } from "./s3-store";

/**
 * The store for a `registry:` setting: a local path (or `file://`), `s3://bucket/key` or
 * `gs://bucket/key`. Any other scheme, or a malformed URI, is a RegistryUriError.
 */
export function openRegistryStore(config: RegistryConfig): RegistryStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(config.path)?.[1]?.toLowerCase();
  if (!scheme || scheme === "file") return new FileRegistryStore(config.path.replace(/^file:\/\//i, ""));
  const uri = parseObjectUri(config.path);
  return uri.scheme === "s3" ? new S3RegistryStore(uri.uri) : new GcsRegistryStore(uri.uri);
}
