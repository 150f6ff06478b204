import { checkName, checkTags } from "../../definitions/definition";
import { FeatureService } from "../../definitions/feature-service";
import { FeatureViewProjection } from "../../definitions/feature-view";
import { DefinitionError } from "../../errors";
import type { FeatureServiceProto, Tags } from "../proto/types";
import { featureServiceToProto } from "../to-proto";
import { featureViewFromSpec, featureViewHandler } from "./feature-view";
import { others, type FlatSpec } from "./flat";
import type { SpecHandler } from "./handler";
import { metadataFromProto, metadataOptions, objectList, stringList, type ObjectSpecMetadata } from "./spec-input";

/** The features a service takes from one view: `{ view: "user_stats", features: ["clicks"] }`. */
export interface ProjectionSpec {
  view: string;
  /** The name the view's features go by in the service, when it renames the view. */
  alias?: string;
  features: string[];
  /** Join keys the service's entity rows name differently: `{ user_id: "buyer_id" }`. */
  joinKeyMap?: Tags;
}

export interface FeatureServiceSpec extends ObjectSpecMetadata {
  name: string;
  /** One projection per view, in the service's order. */
  features: ProjectionSpec[];
}

const EXAMPLE = '{ view: "user_stats", features: ["clicks"] }';

export const featureServiceHandler: SpecHandler<FeatureServiceProto, FeatureServiceSpec> = {
  fromProto(proto) {
    const s = proto.spec ?? {};
    const features = (s.features ?? []).map((p): ProjectionSpec => {
      const out: ProjectionSpec = { view: p.feature_view_name ?? "", features: (p.feature_columns ?? []).map((f) => f.name ?? "") };
      if (p.feature_view_name_alias) out.alias = p.feature_view_name_alias;
      if (p.join_key_map && Object.keys(p.join_key_map).length) out.joinKeyMap = { ...p.join_key_map };
      return out;
    });
    return { name: s.name ?? "", features, ...metadataFromProto(s) };
  },
  toProto(spec, project, model) {
    const what = `feature service ${spec.name}`;
    const projections = checkProjections(spec).map((p) => {
      const viewProto = model?.get("featureView", project, p.view);
      if (!viewProto) throw new DefinitionError(`${what} uses feature view ${p.view}, which is not in the registry`, "register the feature view first");
      const { view } = featureViewFromSpec(featureViewHandler.fromProto(viewProto));
      return new FeatureViewProjection(view, { features: p.features, alias: p.alias, joinKeyMap: p.joinKeyMap });
    });
    const service = new FeatureService({ name: spec.name, features: projections, ...metadataOptions(spec) });
    return featureServiceToProto(service, project, (name) => model?.get("featureView", project, name));
  },
  check(spec) {
    checkProjections(spec);
  },
  flatten(proto) {
    const covered = ["name", "project", "features", "description", "owner", "tags"];
    return { ...flattenServiceSpec(featureServiceHandler.fromProto(proto)), ...others(proto.spec ?? {}, covered) };
  },
};

/** Names and shapes only: the views may not be registered yet. */
function checkProjections(spec: FeatureServiceSpec): ProjectionSpec[] {
  const what = `feature service ${checkName("feature service", spec.name)}`;
  return objectList<ProjectionSpec>(spec.features, `${what}: features`, EXAMPLE).map((p, i) => {
    const at = `${what}: features[${i}]`;
    checkName(`${at}: view`, p.view);
    const features = stringList(p.features, `${at}: features`);
    if (features.length === 0) throw new DefinitionError(`${at} selects no features from view ${p.view}`, `list them: ${EXAMPLE}`);
    for (const f of features) checkName(`${at}: feature`, f);
    if (p.alias !== undefined) checkName(`${at}: alias`, p.alias);
    checkTags(`${at}: joinKeyMap`, p.joinKeyMap);
    return p;
  });
}

/**
 * A service as plans print it: one `view as alias: f1, f2 (join keys key=column)` per projection.
 * From the spec, so a service whose views are not written yet can still be compared.
 */
export function flattenServiceSpec(spec: FeatureServiceSpec): FlatSpec {
  return { features: spec.features.map(renderProjection), description: spec.description, owner: spec.owner, tags: { ...spec.tags } };
}

function renderProjection(p: ProjectionSpec): string {
  const alias = p.alias ? ` as ${p.alias}` : "";
  const keys = Object.entries(p.joinKeyMap ?? {}).map(([k, v]) => `${k}=${v}`);
  return `${p.view}${alias}: ${p.features.join(", ")}${keys.length ? ` (join keys ${keys.join(", ")})` : ""}`;
}
