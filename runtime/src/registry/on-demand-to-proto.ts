import type { OnDemandFeatureView } from "../definitions/on-demand-feature-view";
import { DefinitionError } from "../errors";
import type { OnDemandFeatureViewProto, OnDemandSourceProto } from "./proto/types";
import { dataSourceToProto, fieldToProto, projectionToProto, type ViewResolver } from "./to-proto";

/**
 * The `mode` Skewless writes on its on-demand views. Feast runs `pandas` and `python` modes (and
 * substrait); reading any other mode with a transform body, Feast raises "Unsupported mode
 * 'typescript' for user_defined_function", so a Python client never runs these by mistake.
 */
export const TYPESCRIPT_MODE = "typescript";

/**
 * An on-demand view as Feast stores it: view sources as projections, request sources embedded,
 * the schema as `features`, and the transform in `feature_transformation.user_defined_function`
 * with its TypeScript source in `body_text` and no pickled `body`.
 */
export function onDemandFeatureViewToProto(view: OnDemandFeatureView, project: string, resolveView: ViewResolver): OnDemandFeatureViewProto {
  const what = `on demand feature view ${view.name}`;
  const sources: Record<string, OnDemandSourceProto> = {};
  const inputs = new Map<string, string>();
  const addInput = (name: string, from: string) => {
    const other = inputs.get(name);
    if (other !== undefined) {
      throw new DefinitionError(`${what}: input ${name} comes from both ${other} and ${from}`, "the transform reads inputs by name: select only one of them");
    }
    inputs.set(name, from);
  };
  for (const projection of view.viewSources) {
    const key = projection.alias ?? projection.view.name;
    if (sources[key]) throw new DefinitionError(`${what}: source ${key} is listed twice`);
    const proto = projectionToProto(projection, what, resolveView);
    for (const f of proto.feature_columns ?? []) addInput(f.name ?? "", `feature view ${key}`);
    sources[key] = { feature_view_projection: proto };
  }
  for (const request of view.requestSources) {
    if (sources[request.name]) throw new DefinitionError(`${what}: source ${request.name} is listed twice`);
    for (const f of request.schema) addInput(f.name, `request source ${request.name}`);
    sources[request.name] = { request_data_source: dataSourceToProto(request) };
  }
  const seen = new Set<string>();
  for (const f of view.schema) {
    if (seen.has(f.name)) throw new DefinitionError(`${what}: field ${f.name} is declared twice`);
    seen.add(f.name);
  }
  return {
    spec: {
      name: view.name,
      project,
      features: view.schema.map(fieldToProto),
      sources,
      description: view.description,
      tags: { ...view.tags },
      owner: view.owner,
      feature_transformation: {
        user_defined_function: { name: view.transform.name || view.name, body_text: transformSource(view) },
      },
      mode: TYPESCRIPT_MODE,
      version: "latest",
    },
    meta: {},
  };
}

/** The transform's source text as the registry records it (and as serving checks it against the repo). */
export function transformSource(view: OnDemandFeatureView): string {
  return String(view.transform);
}
