import { MissingDependencyError } from "./errors";

/**
 * Optional peer dependencies, loaded on first use. The heavy clients (DuckDB, Arrow, the AWS and
 * GCS SDKs, jiti, and each online store's client) are optional peers of @skewless/runtime: an
 * online-only app installs and loads only the client it reads with, and a call that needs a
 * missing one fails with the package to install instead of Node's bare "Cannot find module".
 */

/** The package, loaded with `require` (CommonJS packages, or for a synchronous caller). */
export function requirePeer<T>(packageName: string, purpose: string): T {
  try {
    return require(packageName) as T;
  } catch (e) {
    throw missing(e, packageName, purpose) ?? e;
  }
}

/** The package, loaded with `import()` (ES-module-only packages). */
export async function importPeer<T>(packageName: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw missing(e, packageName, purpose) ?? e;
  }
}

/** A MissingDependencyError when `e` says `packageName` itself cannot be found (not one of its own imports). */
function missing(e: unknown, packageName: string, purpose: string): MissingDependencyError | undefined {
  const error = e as { code?: unknown; message?: unknown };
  if (error?.code !== "MODULE_NOT_FOUND" && error?.code !== "ERR_MODULE_NOT_FOUND") return undefined;
  // Only the quoted name on the first line: the require stack below it may run through the package.
  const first = String(error.message).split("\n")[0];
  const named = first.includes(`'${packageName}'`) || first.includes(`'${packageName}/`);
  return named ? new MissingDependencyError(packageName, purpose, e) : undefined;
}
