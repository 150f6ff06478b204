import { RegistryNotFoundError, SkewlessError } from "../errors";
import { RegistryCatalog } from "./catalog";
import { timestampToDate } from "./proto/time";
import type { Registry } from "./registry";

export interface RegistryCacheOptions {
  /** Refresh period (Feast's `cache_ttl_seconds`; 0 = load once, never refresh). */
  ttlSeconds: number;
  /**
   * Called once each time the registry's health changes (it went missing, became corrupt, came
   * back), never once per request or per refresh; `error` is the failure, when there is one.
   */
  onHealthChange?: (health: RegistryHealth, error?: unknown) => void;
}

/** How the last read of the registry went: `ok`, or why the last good registry is still served. */
export type RegistryState = "ok" | "missing" | "corrupt" | "unreadable";

/** What `/health` reports about the registry: no paths or hosts, only states, versions and times. */
export interface RegistryHealth {
  state: RegistryState;
  /** The registry requests use: the last one read successfully. */
  serving?: { versionId?: string; lastUpdated?: Date; loadedAt: Date };
  /** The latest failure, while reads keep failing (cleared once one succeeds). */
  lastError?: { at: Date; code: string; message: string };
}

/**
 * The registry as request paths see it: loaded once, then refreshed in the background every
 * `ttlSeconds`, so no request ever waits on the registry after the first. A refresh that finds the
 * same bytes keeps the same catalog (and every plan cached against it). A registry that disappears
 * or turns out damaged does not take serving down: the last good one stays in use, and the change
 * is reported once through `onHealthChange`.
 */
export class RegistryCache {
  private current: { catalog: RegistryCatalog; token: string } | undefined;
  private loading: Promise<RegistryCatalog> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private state: RegistryHealth = { state: "ok" };

  constructor(readonly registry: Registry, readonly project: string, readonly options: RegistryCacheOptions) {}

  /** The cached catalog; the first call loads it (and fails if the registry is missing or damaged). */
  catalog(): RegistryCatalog | Promise<RegistryCatalog> {
    if (this.current) return this.current.catalog;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The registry's state as of the last read. */
  health(): RegistryHealth {
    return this.state;
  }

  /** The last read's failure, if it failed. */
  get lastError(): RegistryHealth["lastError"] {
    return this.state.lastError;
  }

  /**
   * Re-reads the registry now (after this process changed it); returns whether it changed. Fails
   * only when there is no good registry to fall back on.
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    const wasFailing = this.state.lastError !== undefined;
    try {
      const snapshot = await this.registry.store.read();
      if (!snapshot) throw new RegistryNotFoundError(this.registry.location);
      if (this.current?.token !== snapshot.token) {
        const { model } = this.registry.decode(snapshot);
        this.current = { catalog: new RegistryCatalog(model, this.project), token: snapshot.token };
        const updated = model.lastUpdated;
        this.state = { state: "ok", serving: { versionId: model.proto.version_id || undefined, lastUpdated: updated ? timestampToDate(updated) : undefined, loadedAt: new Date() } };
        changed = true;
      }
    } catch (error) {
      this.failed(error);
      if (!this.current) throw error;
      return false;
    }
    if (wasFailing) {
      this.state = { state: "ok", serving: this.state.serving };
      this.options.onHealthChange?.(this.state);
    }
    return changed;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private failed(error: unknown): void {
    const state = stateOf(error);
    const code = error instanceof SkewlessError ? error.code : "UNEXPECTED";
    const message = error instanceof Error ? error.message : String(error);
    const previous = this.state;
    this.state = { state, serving: previous.serving, lastError: { at: new Date(), code, message } };
    if (previous.state !== state || previous.lastError?.message !== message) this.options.onHealthChange?.(this.state, error);
  }

  private async load(): Promise<RegistryCatalog> {
    await this.refresh();
    if (this.options.ttlSeconds > 0 && !this.timer) {
      this.timer = setInterval(() => void this.backgroundRefresh(), this.options.ttlSeconds * 1000);
      this.timer.unref();
    }
    return this.current!.catalog;
  }

  private async backgroundRefresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.refresh();
    } catch {
      // Reported through onHealthChange; there was nothing to fall back on yet.
    } finally {
      this.refreshing = false;
    }
  }
}

function stateOf(error: unknown): RegistryState {
  if (error instanceof RegistryNotFoundError) return "missing";
  if (error instanceof SkewlessError && error.code === "REGISTRY_CORRUPT") return "corrupt";
  return "unreadable";
}
