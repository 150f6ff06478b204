import type { RepoConfig } from "../config";
import { ConfigError } from "../errors";
import type { OfflineStore } from "./offline-store";

/**
 * One offline backend as `feature_store.yaml` sees it: the keys its `offline_store:` block may
 * hold (Feast's config fields, then Skewless's own), their validation, and how to open the store.
 * Each backend's folder exports one; `offline-stores.ts` lists them by `type`.
 */
export interface OfflineStoreModule<Options = unknown> {
  /** Keys besides `type`; any other key is refused, as Feast refuses undeclared fields. */
  readonly keys: readonly string[];
  /** Checks the block's keys (without `type`) and fills in defaults; `where` names a key in messages. */
  parse(options: Readonly<Record<string, unknown>>, where: (key: string) => string): Options;
  /** Opens the store; the client library is loaded only here, so config parsing stays light. */
  /** Loads the backend's code only now, so reading feature_store.yaml never loads DuckDB or a cloud SDK. */
  open(config: RepoConfig, options: Options, env: NodeJS.ProcessEnv): Promise<OfflineStore>;
}

/** Reads an optional string key (empty is an error: Feast would refuse it too). */
export function optionalString(options: Readonly<Record<string, unknown>>, key: string, where: (key: string) => string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) throw new ConfigError(`${where(key)} must be a non-empty string`);
  return value;
}

/** Reads an optional positive whole number. */
export function optionalPositiveInteger(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new ConfigError(`${what} must be a positive whole number`);
  return value;
}
