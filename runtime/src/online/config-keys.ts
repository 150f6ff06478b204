import { ConfigError } from "../errors";

/**
 * Checks the online store modules share on their `online_store` mapping. `where` names a key as
 * the file holds it (`feature_store.yaml: online_store.path`).
 */
export function checkKeys(spec: Record<string, unknown>, known: readonly string[], where: (key: string) => string): void {
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) throw new ConfigError(`${where(`online_store.${key}`)} is not a known key`, `known keys: ${known.join(", ")}`);
  }
}

/** `value` when it is one of `allowed` (the default when absent), else an error naming the key. */
export function pick<T extends string>(value: unknown, fallback: T, allowed: readonly T[], key: string, where: (key: string) => string): T {
  const v = value ?? fallback;
  if (!allowed.includes(v as T)) throw new ConfigError(`${where(`online_store.${key}`)} ${JSON.stringify(v)} is not supported`, `use one of: ${allowed.join(", ")}`);
  return v as T;
}
