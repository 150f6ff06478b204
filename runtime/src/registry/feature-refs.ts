import { definitionKind } from "../definitions/definition";
import type { FeatureService } from "../definitions/feature-service";
import { FeatureNameCollisionError, FeatureReferenceError } from "../errors";
import type { ColumnInfo, FeatureViewInfo, ProjectionInfo, RegistryCatalog } from "./catalog";

/** What a retrieval call asks for: `"view:feature"` references, or a feature service (object or name). */
export type FeatureSelection = readonly string[] | FeatureService | { featureService: string };

/** One view's part of a request. */
export interface RequestedView {
  view: FeatureViewInfo;
  /** The view's name in output columns (`alias__feature` with full names). */
  prefix: string;
  features: ColumnInfo[];
  /** The request's entity column for each of the view's join keys (identity unless a service remaps). */
  entityColumns: Record<string, string>;
  /** Output column name of each feature, aligned with `features`. */
  outputNames: string[];
}

export interface ResolvedFeatures {
  views: RequestedView[];
  /** Every output feature column, in request order. */
  outputNames: string[];
}

/**
 * Resolves a selection against the registry: checks every view and feature exists, groups the
 * features by view (in first-mention order), and names the output columns. Without full names, two
 * features with the same name are a FeatureReferenceError, as in Feast.
 */
export function resolveFeatures(catalog: RegistryCatalog, selection: FeatureSelection, fullFeatureNames = false): ResolvedFeatures {
  const projections = toProjections(catalog, selection);
  const views: RequestedView[] = [];
  for (const p of projections) {
    const view = catalog.featureView(p.viewName);
    const features = p.features.map((name) => {
      const feature = view.features.find((f) => f.name === name);
      if (!feature) {
        throw new FeatureReferenceError(
          `feature view ${view.name} has no feature ${name}`,
          `its features are: ${view.features.map((f) => f.name).join(", ")}`,
        );
      }
      return feature;
    });
    const prefix = p.alias ?? view.name;
    const entityColumns = Object.fromEntries(view.joinKeys.map((k) => [k.name, p.joinKeyMap[k.name] ?? k.name]));
    views.push({
      view, prefix, features, entityColumns,
      outputNames: features.map((f) => (fullFeatureNames ? `${prefix}__${f.name}` : f.name)),
    });
  }
  const outputNames = views.flatMap((v) => v.outputNames);
  const seen = new Map<string, string>();
  for (const v of views) {
    for (const name of v.outputNames) {
      const other = seen.get(name);
      if (other !== undefined) {
        throw new FeatureNameCollisionError(
          `feature name ${name} is requested from both ${other} and ${v.prefix}`,
          "pass fullFeatureNames: true to name columns view__feature, or select only one of them",
        );
      }
      seen.set(name, v.prefix);
    }
  }
  return { views, outputNames };
}

function toProjections(catalog: RegistryCatalog, selection: FeatureSelection): ProjectionInfo[] {
  if (Array.isArray(selection)) return parseReferences(selection as readonly string[]);
  if (definitionKind(selection) === "featureService") return catalog.featureService((selection as FeatureService).name).projections;
  const named = (selection as { featureService?: unknown }).featureService;
  if (typeof named === "string") return catalog.featureService(named).projections;
  throw new FeatureReferenceError("features must be a list of \"view:feature\" references or a feature service");
}

/** Parses `"view:feature"` references (Feast's `view@v2:feature` version suffix is ignored). */
export function parseReferences(references: readonly string[]): ProjectionInfo[] {
  if (references.length === 0) throw new FeatureReferenceError("no features requested", 'pass references such as "user_stats:clicks"');
  const byView = new Map<string, ProjectionInfo>();
  const seen = new Set<string>();
  for (const ref of references) {
    const match = typeof ref === "string" ? /^([^:@]+)(?:@v?\d+)?:([^:]+)$/.exec(ref) : null;
    if (!match) {
      throw new FeatureReferenceError(`feature reference ${JSON.stringify(ref)} is malformed`, 'write it as "view:feature", e.g. "user_stats:clicks"');
    }
    if (seen.has(ref)) throw new FeatureNameCollisionError(`feature reference ${ref} is requested twice`, "request each feature once");
    seen.add(ref);
    const [, viewName, feature] = match;
    let projection = byView.get(viewName);
    if (!projection) {
      projection = { viewName, features: [], joinKeyMap: {} };
      byView.set(viewName, projection);
    }
    projection.features.push(feature);
  }
  return [...byView.values()];
}
