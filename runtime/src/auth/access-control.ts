import type { AuthzedAction } from "../definitions/permission";
import type { RegistryModel } from "../registry/model";
import type { FeatureViewProto, SpecObjectProto } from "../registry/proto/types";
import { SOURCE_TYPE } from "../registry/to-proto";
import type { AuditLog } from "./audit-log";
import { decide, storedPermissions, type ProtectedObject } from "./enforcer";
import { PermissionDeniedError } from "./errors";
import type { Principal } from "./principal";

/** What a request is about, for the audit trail. */
export interface RequestContext {
  requestId: string;
  /** `POST /push`, `api materialize`, ... */
  operation: string;
}

/** Feast's push modes and the actions each asks for (feature_server.py). */
const PUSH_ACTIONS: Record<string, AuthzedAction[]> = {
  online: ["WRITE_ONLINE"], offline: ["WRITE_OFFLINE"], online_and_offline: ["WRITE_OFFLINE", "WRITE_ONLINE"],
};

/**
 * Decides, per registry object, whether a principal may do what an operation asks, as `feast serve`
 * decides it: online reads need READ_ONLINE on each view named (or on the feature service, when one
 * is named), pushes WRITE_ONLINE (and/or WRITE_OFFLINE) on every view fed by the push source,
 * writes and materializations WRITE_ONLINE on each view. Every decision is audited; the first
 * denial throws PermissionDeniedError. Objects the registry lacks are left to the operation, which
 * reports them as not found.
 */
export class AccessControl {
  constructor(
    private readonly registry: () => Promise<RegistryModel>,
    private readonly project: string,
    private readonly audit?: AuditLog,
  ) {}

  async onlineRead(principal: Principal, selection: { features?: readonly string[]; featureService?: string }, context: RequestContext): Promise<void> {
    const model = await this.registry();
    if (selection.featureService !== undefined) {
      const service = model.get("featureService", this.project, selection.featureService);
      const targets = service ? [{ object: objectOf("FeatureService", service), features: [] }] : [];
      return this.enforce(model, principal, targets, ["READ_ONLINE"], context);
    }
    const byView = new Map<string, string[]>();
    for (const ref of selection.features ?? []) {
      const [view, feature] = ref.split(":", 2);
      byView.set(view, [...(byView.get(view) ?? []), feature ?? ""]);
    }
    const targets = [...byView].flatMap(([name, features]) => {
      const object = this.view(model, name);
      return object ? [{ object, features }] : [];
    });
    return this.enforce(model, principal, targets, ["READ_ONLINE"], context);
  }

  async push(principal: Principal, pushSource: string, to: string, context: RequestContext): Promise<void> {
    const model = await this.registry();
    const fed = [
      ...model.list("featureView", this.project).map((v) => ({ v, type: "FeatureView" as const })),
      ...model.list("streamFeatureView", this.project).map((v) => ({ v: v as FeatureViewProto, type: "StreamFeatureView" as const })),
    ].filter(({ v }) => v.spec?.stream_source?.type === SOURCE_TYPE.PUSH_SOURCE && v.spec.stream_source.name === pushSource);
    const targets = fed.map(({ v, type }) => ({ object: objectOf(type, v), features: [] }));
    return this.enforce(model, principal, targets, PUSH_ACTIONS[to] ?? ["WRITE_ONLINE"], context);
  }

  /** `/write-to-online-store` and materialization: WRITE_ONLINE on each view (all online views when none is named). */
  async writeOnline(principal: Principal, views: readonly string[] | undefined, context: RequestContext): Promise<void> {
    const model = await this.registry();
    const names = views ?? model.list("featureView", this.project).filter((v) => v.spec?.online).map((v) => v.spec?.name ?? "");
    const targets = names.flatMap((name) => {
      const object = this.view(model, name);
      return object ? [{ object, features: [] }] : [];
    });
    return this.enforce(model, principal, targets, ["WRITE_ONLINE"], context);
  }

  private view(model: RegistryModel, name: string): ProtectedObject | undefined {
    const plain = model.get("featureView", this.project, name);
    if (plain) return objectOf("FeatureView", plain);
    const stream = model.get("streamFeatureView", this.project, name);
    if (stream) return objectOf("StreamFeatureView", stream);
    const onDemand = model.get("onDemandFeatureView", this.project, name);
    return onDemand ? objectOf("OnDemandFeatureView", onDemand) : undefined;
  }

  private enforce(
    model: RegistryModel, principal: Principal, targets: { object: ProtectedObject; features: string[] }[],
    actions: AuthzedAction[], context: RequestContext,
  ): void {
    const permissions = storedPermissions(model, this.project);
    for (const { object, features } of targets) {
      const decision = decide(permissions, principal, object, actions);
      this.audit?.record({
        request_id: context.requestId, principal: principal.username, operation: context.operation, actions,
        object: `${object.type}:${object.name}`, features,
        decision: decision.allowed ? "allowed" : "denied",
        reason: decision.allowed ? `permission ${decision.permission}` : decision.detail,
      });
      if (!decision.allowed) throw new PermissionDeniedError(decision.detail);
    }
  }
}

function objectOf(type: ProtectedObject["type"], proto: SpecObjectProto | FeatureViewProto): ProtectedObject {
  return { type, name: proto.spec?.name ?? "", tags: { ...(proto.spec?.tags ?? {}) } };
}
