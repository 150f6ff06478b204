import { RegistryCatalog } from "./catalog";
import { decodeRegistry } from "./integrity";
import { RegistryModel } from "./model";
import type { Registry } from "./registry";

export interface RegistryCacheOptions {
  /** Refresh period (Feast's `cache_ttl_seconds`; 0 = load once, never refresh). */
  ttlSeconds: number;
  /** Called when a background refresh fails; the previous registry stays in use. */
  onRefreshError?: (error: unknown) => void;
}

/**
 * The registry as request paths see it: loaded once, then refreshed in the background every
 * `ttlSeconds`, so no request ever waits on the registry after the first. A refresh that finds the
 * same bytes keeps the same catalog (and every plan cached against it).
 */
export class RegistryCache {
  private current: { catalog: RegistryCatalog; token: string | null } | undefined;
  private loading: Promise<RegistryCatalog> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  /** The last background refresh failure, if the latest attempt failed. */
  lastError: unknown;

  constructor(readonly registry: Registry, readonly project: string, readonly options: RegistryCacheOptions) {}

  /** The cached catalog; the first call loads it. */
  catalog(): RegistryCatalog | Promise<RegistryCatalog> {
    if (this.current) return this.current.catalog;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Re-reads the registry now (after this process changed it); returns whether it changed. */
  async refresh(): Promise<boolean> {
    const snapshot = await this.registry.store.read();
    const token = snapshot?.token ?? null;
    if (this.current && this.current.token === token) return false;
    const model = snapshot ? new RegistryModel(decodeRegistry(snapshot.bytes, this.registry.location)) : new RegistryModel();
    this.current = { catalog: new RegistryCatalog(model, this.project), token };
    return true;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e;
      this.options.onRefreshError?.(e);
    } finally {
      this.refreshing = false;
    }
  }
}
