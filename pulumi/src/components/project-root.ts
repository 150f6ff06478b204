import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@skewless/runtime";

// The CLI runs a program in the folder of Pulumi.yaml's `main` and dynamic providers wherever the
// engine starts them, so the working directory means nothing here: local paths are resolved
// against the Pulumi project root and handed on absolute.

/** What the SDK reports when no language host told it the root (an Automation API inline program). */
const UNSET_ROOT = "rootDirectory";

/** The folder of Pulumi.yaml, as the language host tells the program; undefined for inline programs. */
export function projectRoot(): string | undefined {
  const root = pulumi.runtime.getRootDirectory?.();
  return root && root !== UNSET_ROOT && path.isAbsolute(root) && existsSync(root) ? root : undefined;
}

/** Whether a registry or data location is a URI (`s3://`, `gs://`, `file://`...) rather than a path. */
export function isUri(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * `location` as the providers and feature_store.yaml get it: URIs unchanged, absolute paths as
 * they are, relative ones against `base` (default: the Pulumi project root).
 */
export function resolveLocal(location: string, what: string, base = projectRoot()): string {
  if (isUri(location) || path.isAbsolute(location)) return location;
  if (!base) {
    throw new ConfigError(
      `${what} ${JSON.stringify(location)} is relative, and this program does not know its Pulumi project root`,
      "give an absolute path (an Automation API inline program has no Pulumi.yaml folder to resolve it against)",
    );
  }
  return path.resolve(base, location);
}
