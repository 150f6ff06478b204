import { randomUUID } from "node:crypto";
import type { FeatureStore } from "../feature-store";
import type { MaterializeOptions, MaterializeResult } from "../materialize/materializer";
import type { OnlineResponse } from "../online/retrieval/online-response";
import type { OnlineFeaturesRequest } from "../online/retrieval/online-retriever";
import { AccessControl } from "./access-control";
import type { AuditLog } from "./audit-log";
import type { Principal } from "./principal";

/**
 * The runtime API on behalf of a principal: each call is checked against the registry's permissions
 * exactly as `skewless serve` checks the matching endpoint (PermissionDeniedError when refused) and
 * audited, then delegated to the store. Use it when an application serves several callers itself.
 *
 * @example
 * const asAlice = authorizedStore(store, { username: "alice", roles: ["analyst"], groups: [], namespaces: [] });
 * await asAlice.getOnlineFeatures({ features: ["user_transactions:txn_count_1h"], entityRows: { user_id: [1001] } });
 */
export function authorizedStore(store: FeatureStore, principal: Principal, options: { audit?: AuditLog } = {}) {
  const access = new AccessControl(async () => (await store.catalog()).model, store.project, options.audit);
  const context = (operation: string) => ({ requestId: randomUUID(), operation: `api ${operation}` });
  return {
    principal,
    async getOnlineFeatures(request: OnlineFeaturesRequest): Promise<OnlineResponse> {
      // A FeatureService definition passed as `features` or `featureService` is checked by its name.
      const features = request.features;
      const service = request.featureService ?? (features === undefined || isList(features) ? undefined : features);
      const selection = service
        ? { featureService: typeof service === "string" ? service : service.name }
        : { features: features as readonly string[] | undefined };
      await access.onlineRead(principal, selection, context("getOnlineFeatures"));
      return store.getOnlineFeatures(request);
    },
    async materialize(start: Date, end: Date, opts: MaterializeOptions = {}): Promise<MaterializeResult> {
      await access.writeOnline(principal, opts.featureViews, context("materialize"));
      return store.materialize(start, end, opts);
    },
    async materializeIncremental(end: Date, opts: MaterializeOptions = {}): Promise<MaterializeResult> {
      await access.writeOnline(principal, opts.featureViews, context("materializeIncremental"));
      return store.materializeIncremental(end, opts);
    },
  };
}

function isList(value: unknown): value is readonly string[] {
  return Array.isArray(value);
}
