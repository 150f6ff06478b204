import type { FeatureStore } from "../feature-store";
import type { RegistryHealth } from "../registry/registry-cache";

/**
 * `GET /health`: 200 while a registry is being served (Feast answers 200 when its cached registry
 * lists projects), 503 when there is none. The body says which registry version is served and,
 * while reads of the registry fail, since when and why; it names no path, bucket or host.
 *
 * @example
 * {"status":"degraded","registry":{"state":"missing","serving":{"version_id":"...","last_updated":"...","loaded_at":"..."},
 *  "last_error":{"at":"...","code":"REGISTRY_NOT_FOUND","message":"the registry does not exist (serving the last good version)"}}}
 */
export function healthResponse(store: FeatureStore): { status: number; body: string } {
  const health = store.registryHealth();
  const status = health.serving ? 200 : 503;
  const body = {
    status: !health.serving ? "unavailable" : health.state === "ok" ? "ok" : "degraded",
    registry: {
      state: health.state,
      serving: health.serving ? {
        version_id: health.serving.versionId ?? null,
        last_updated: health.serving.lastUpdated?.toISOString() ?? null,
        loaded_at: health.serving.loadedAt.toISOString(),
      } : null,
      last_error: health.lastError ? { at: health.lastError.at.toISOString(), code: health.lastError.code, message: publicReason(health) } : null,
    },
  };
  return { status, body: JSON.stringify(body) };
}

/** Why the registry cannot be read, without its location (the log has the whole error). */
function publicReason(health: RegistryHealth): string {
  const reason = { ok: "", missing: "the registry does not exist", corrupt: "the registry is corrupt or truncated", unreadable: "the registry cannot be read" }[health.state];
  return health.serving ? `${reason} (serving the last good version)` : reason;
}

/** The log line for a change of the registry's health: loud, once per change. */
export function registryHealthLine(health: RegistryHealth, error?: unknown): string {
  const served = health.serving ? `version ${health.serving.versionId ?? "?"} loaded at ${health.serving.loadedAt.toISOString()}` : "no registry";
  if (health.state === "ok") return `registry: readable again, serving ${served}`;
  const detail = error instanceof Error ? error.message : String(error ?? health.lastError?.message);
  return `REGISTRY ${health.state.toUpperCase()}: ${detail}; still serving ${served} until it is fixed`;
}
