import { UnsupportedTransformError, FeatureReferenceError } from "../errors";
import type { ColumnInfo, ProjectionInfo, RegistryCatalog } from "./catalog";
import type { RequestedView } from "./feature-refs";
import type { OnDemandViewInfo } from "./on-demand-catalog";
import { TYPESCRIPT_MODE } from "./on-demand-to-proto";

/** One on-demand view's part of a request. */
export interface RequestedOnDemandView {
  view: OnDemandViewInfo;
  prefix: string;
  features: ColumnInfo[];
  outputNames: string[];
  /** The transform's inputs: each row key, the result column holding it, and its value type. */
  inputs: { name: string; column: string; valueType: number }[];
}

/** Result columns of transform inputs start with this; they never reach the caller. */
export const INPUT_COLUMN_PREFIX = "__skewless_odfv_input__";

/**
 * Resolves a projection of an on-demand view: checks Skewless can run it (TypeScript mode), and
 * adds its source views' features as hidden views whose columns feed the transform.
 */
export function resolveOnDemand(
  catalog: RegistryCatalog, p: ProjectionInfo, fullFeatureNames: boolean,
): { requested: RequestedOnDemandView; inputViews: RequestedView[] } {
  const view = catalog.onDemandFeatureView(p.viewName);
  if (view.mode !== TYPESCRIPT_MODE) {
    throw new UnsupportedTransformError(
      view.name,
      `on demand feature view ${view.name} has a Python transform (mode ${view.mode}), which Skewless cannot run`,
      "request it through Feast's Python SDK, or redefine it as a TypeScript OnDemandFeatureView and apply it with skewless; the rest of the request works without it",
    );
  }
  const features = p.features.map((name) => {
    const feature = view.features.find((f) => f.name === name);
    if (!feature) {
      throw new FeatureReferenceError(`on demand feature view ${view.name} has no feature ${name}`, `its features are: ${view.features.map((f) => f.name).join(", ")}`);
    }
    return feature;
  });
  const prefix = p.alias ?? view.name;
  const inputs: RequestedOnDemandView["inputs"] = [];
  const inputViews = view.viewSources.map((source): RequestedView => {
    const input = catalog.featureView(source.viewName);
    // Inputs get names of their own, so they never collide with (or show as) requested columns
    const sourcePrefix = `${INPUT_COLUMN_PREFIX}${view.name}__${source.alias ?? input.name}`;
    const columns = source.features.map((name) => {
      const feature = input.features.find((f) => f.name === name);
      if (!feature) {
        throw new FeatureReferenceError(
          `on demand feature view ${view.name} reads ${name} from feature view ${input.name}, which no longer has it`,
          "re-apply the on-demand view against the view's current schema",
        );
      }
      return feature;
    });
    const outputNames = columns.map((f) => `${sourcePrefix}__${f.name}`);
    columns.forEach((f, i) => inputs.push({ name: f.name, column: outputNames[i], valueType: f.valueType }));
    const keyMap = { ...source.joinKeyMap, ...p.joinKeyMap };
    return {
      view: input, prefix: sourcePrefix, features: columns, outputNames,
      entityColumns: Object.fromEntries(input.joinKeys.map((k) => [k.name, keyMap[k.name] ?? k.name])),
    };
  });
  for (const field of view.requestFields) inputs.push({ name: field.name, column: field.name, valueType: field.valueType });
  return {
    requested: { view, prefix, features, outputNames: features.map((f) => (fullFeatureNames ? `${prefix}__${f.name}` : f.name)), inputs },
    inputViews,
  };
}
