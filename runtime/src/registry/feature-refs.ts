import { definitionKind } from "../definitions/definition";
import type { FeatureService } from "../definitions/feature-service";
import { FeatureNameCollisionError, FeatureReferenceError } from "../errors";
import type { ColumnInfo, FeatureViewInfo, ProjectionInfo, RegistryCatalog } from "./catalog";
import { resolveOnDemand, type RequestedOnDemandView } from "./on-demand-refs";
import { featureViewAtVersion } from "./view-versions";

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

/** How versioned references (`view@vN:feature`) are treated. */
export interface ResolveOptions {
  /** Historical retrieval reads view versions when `registry.enable_online_feature_view_versioning` is on (Feast's flag). */
  historical?: boolean;
  featureViewVersioning?: boolean;
}

export interface ResolvedFeatures {
  /** The views to read: those requested, then the sources of the on-demand views requested. */
  views: RequestedView[];
  /** On-demand views requested, computed after the views are read. */
  onDemand: RequestedOnDemandView[];
  /** Every output feature column, in request order (no transform inputs that were not asked for). */
  outputNames: string[];
}

/**
 * Resolves a selection against the registry: checks every view and feature exists, groups the
 * features by view (in first-mention order), and names the output columns. Without full names, two
 * features with the same name are a FeatureReferenceError, as in Feast.
 */
export function resolveFeatures(catalog: RegistryCatalog, selection: FeatureSelection, fullFeatureNames = false, options: ResolveOptions = {}): ResolvedFeatures {
  const projections = toProjections(catalog, selection);
  const views: RequestedView[] = [];
  const onDemand: RequestedOnDemandView[] = [];
  const inputViews: RequestedView[] = [];
  const outputNames: string[] = [];
  for (const p of projections) {
    if (p.version === undefined && !catalog.hasFeatureView(p.viewName) && catalog.hasOnDemandFeatureView(p.viewName)) {
      const resolved = resolveOnDemand(catalog, p, fullFeatureNames);
      onDemand.push(resolved.requested);
      inputViews.push(...resolved.inputViews);
      outputNames.push(...resolved.requested.outputNames);
      continue;
    }
    const view = p.version === undefined ? catalog.featureView(p.viewName) : versionedView(catalog, p, options);
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
    // Feast names a version's columns `view@vN__feature` (its projection's name_to_use).
    const prefix = p.version === undefined ? p.alias ?? view.name : `${p.alias ?? view.name}@v${p.version}`;
    const entityColumns = Object.fromEntries(view.joinKeys.map((k) => [k.name, p.joinKeyMap[k.name] ?? k.name]));
    const requested = {
      view, prefix, features, entityColumns,
      outputNames: features.map((f) => (fullFeatureNames ? `${prefix}__${f.name}` : f.name)),
    };
    views.push(requested);
    outputNames.push(...requested.outputNames);
  }
  const seen = new Map<string, string>();
  for (const v of [...views, ...onDemand]) {
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
  return { views: [...views, ...inputViews], onDemand, outputNames };
}

function toProjections(catalog: RegistryCatalog, selection: FeatureSelection): VersionedProjection[] {
  if (Array.isArray(selection)) return parseReferences(selection as readonly string[]);
  if (definitionKind(selection) === "featureService") return catalog.featureService((selection as FeatureService).name).projections;
  const named = (selection as { featureService?: unknown }).featureService;
  if (typeof named === "string") return catalog.featureService(named).projections;
  throw new FeatureReferenceError("features must be a list of \"view:feature\" references or a feature service");
}

/** A versioned projection: refused outside historical retrieval or without Feast's versioning flag. */
function versionedView(catalog: RegistryCatalog, p: VersionedProjection, options: ResolveOptions): FeatureViewInfo {
  const ref = `${p.viewName}@v${p.version}:${p.features[0]}`;
  if (!options.historical) {
    throw new FeatureReferenceError(
      `feature reference ${ref}: Skewless serves only a view's current version online (one online table per view)`,
      `request ${p.viewName}:${p.features[0]}, or read v${p.version} with getHistoricalFeatures`,
    );
  }
  if (!options.featureViewVersioning) {
    throw new FeatureReferenceError(
      `feature reference ${ref}: version-qualified references are not supported while feature view versioning is off`,
      "set `enable_online_feature_view_versioning: true` under `registry` in feature_store.yaml (Feast's flag), or drop the @v suffix",
    );
  }
  return featureViewAtVersion(catalog.model, catalog.project, p.viewName, p.version!, ref);
}

interface VersionedProjection extends ProjectionInfo {
  /** Set for `view@vN:feature`; undefined for the current version (`view:feature`, `view@latest:feature`). */
  version?: number;
}

/**
 * Parses `"view:feature"` references, with Feast's version qualifier: `view@v2:feature` (or
 * `@V2`) asks for version 2, `view@latest:feature` for the current one; any other `@...` is part
 * of the view's name, as in Feast.
 */
export function parseReferences(references: readonly string[]): VersionedProjection[] {
  if (references.length === 0) throw new FeatureReferenceError("no features requested", 'pass references such as "user_stats:clicks"');
  const byView = new Map<string, VersionedProjection>();
  const seen = new Set<string>();
  for (const ref of references) {
    const match = typeof ref === "string" ? /^([^:]+):([^:]+)$/.exec(ref) : null;
    if (!match) {
      throw new FeatureReferenceError(`feature reference ${JSON.stringify(ref)} is malformed`, 'write it as "view:feature", e.g. "user_stats:clicks"');
    }
    if (seen.has(ref)) throw new FeatureNameCollisionError(`feature reference ${ref} is requested twice`, "request each feature once");
    seen.add(ref);
    const [, viewPart, feature] = match;
    const versioned = /^([^@]+)@(?:[vV](\d+)|latest)?$/.exec(viewPart);
    const viewName = versioned ? versioned[1] : viewPart;
    const version = versioned?.[2] === undefined ? undefined : Number(versioned[2]);
    const key = `${viewName}@${version ?? "latest"}`;
    let projection = byView.get(key);
    if (!projection) {
      projection = { viewName, features: [], joinKeyMap: {}, version };
      byView.set(key, projection);
    }
    projection.features.push(feature);
  }
  return [...byView.values()];
}
