import { parseDuration, type DurationInput } from "../duration";
import { DefinitionError, SkewlessError } from "../errors";
import { checkName, checkTags, definitionKind, DEFINITION_KIND, type DefinitionMetadata } from "./definition";
import type { Entity } from "./entity";
import { Field, type FieldOptions } from "./field";
import type { OnDemandFeatureView } from "./on-demand-feature-view";
import type { DataSource } from "./sources";

export interface FeatureViewOptions extends DefinitionMetadata {
  name: string;
  /** The entities whose join keys identify a row; none for an entityless view. */
  entities?: (Entity | string)[];
  /** How far back a value stays valid: `"1d"`, `"2h"`, seconds. 0 or unset = forever. */
  ttl?: DurationInput;
  /** Features (and, optionally, join key columns with their dtypes). */
  schema: (FieldOptions | Field)[];
  source: DataSource;
  /** Materialize into the online store (default true). */
  online?: boolean;
  /** Write pushed rows to the offline store too (Feast's `offline`, default false). */
  offline?: boolean;
}

/**
 * A group of features computed from one source, keyed by entities.
 *
 * @example
 * export const userStats = new FeatureView({
 *   name: "user_stats", entities: [user], ttl: "1d", source: userStatsSource,
 *   schema: [{ name: "clicks", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }],
 * });
 */
export class FeatureView {
  readonly [DEFINITION_KIND] = "featureView" as const;
  readonly name: string;
  readonly entities: readonly (Entity | string)[];
  readonly ttlSeconds: number;
  readonly schema: readonly Field[];
  readonly source: DataSource;
  readonly online: boolean;
  readonly offline: boolean;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: FeatureViewOptions) {
    this.name = checkName("feature view", options?.name);
    const what = `feature view ${this.name}`;
    this.entities = [...(options.entities ?? [])];
    for (const entity of this.entities) {
      if (typeof entity !== "string" && definitionKind(entity) !== "entity") {
        throw new DefinitionError(`${what}: entities must be Entity objects or entity names, got ${describe(entity)}`);
      }
    }
    try {
      this.ttlSeconds = parseDuration(options.ttl ?? 0, `${what}: ttl`);
    } catch (e) {
      throw e instanceof SkewlessError ? new DefinitionError(e.message, e.hint) : e;
    }
    if (!Array.isArray(options.schema)) throw new DefinitionError(`${what}: schema must be a list of fields`);
    this.schema = options.schema.map((f) => new Field(f, what));
    const seen = new Set<string>();
    for (const field of this.schema) {
      if (seen.has(field.name)) throw new DefinitionError(`${what}: field ${field.name} is declared twice`);
      seen.add(field.name);
    }
    const kind = definitionKind(options.source);
    if (kind !== "dataSource") {
      throw new DefinitionError(`${what}: source must be a FileSource, BigQuerySource or PushSource, got ${describe(options.source)}`);
    }
    this.source = options.source;
    this.online = options.online ?? true;
    this.offline = options.offline ?? false;
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }

  /** The entity names, whether entities were given as objects or names. */
  get entityNames(): string[] {
    return this.entities.map((e) => (typeof e === "string" ? e : e.name));
  }

  /** A projection with only these features, for a feature service (Feast's `view[["a", "b"]]`). */
  select(...features: string[]): FeatureViewProjection {
    return new FeatureViewProjection(this, { features: features.flat() });
  }

  /** A projection under another name, so one view can appear twice in a service. */
  withName(alias: string): FeatureViewProjection {
    return new FeatureViewProjection(this, { alias });
  }

  /** A projection that reads the join keys from differently named entity columns. */
  withJoinKeyMap(joinKeyMap: Record<string, string>): FeatureViewProjection {
    return new FeatureViewProjection(this, { joinKeyMap });
  }
}

export interface ProjectionOptions {
  features?: string[];
  alias?: string;
  joinKeyMap?: Record<string, string>;
}

/** A feature view (or on-demand view) as a service uses it: a subset of features, an alias, renamed join keys. */
export class FeatureViewProjection {
  readonly view: FeatureView | OnDemandFeatureView;
  /** Selected feature names; undefined means all. */
  readonly features?: readonly string[];
  readonly alias?: string;
  readonly joinKeyMap: Record<string, string>;

  constructor(view: FeatureView | OnDemandFeatureView, options: ProjectionOptions = {}) {
    this.view = view;
    this.features = options.features;
    this.alias = options.alias !== undefined ? checkName(`feature view ${view.name}: alias`, options.alias) : undefined;
    this.joinKeyMap = checkTags(`feature view ${view.name}: joinKeyMap`, options.joinKeyMap);
  }

  select(...features: string[]): FeatureViewProjection {
    return new FeatureViewProjection(this.view, { ...this.options(), features: features.flat() });
  }

  withName(alias: string): FeatureViewProjection {
    return new FeatureViewProjection(this.view, { ...this.options(), alias });
  }

  withJoinKeyMap(joinKeyMap: Record<string, string>): FeatureViewProjection {
    return new FeatureViewProjection(this.view, { ...this.options(), joinKeyMap });
  }

  private options(): ProjectionOptions {
    return { features: this.features ? [...this.features] : undefined, alias: this.alias, joinKeyMap: this.joinKeyMap };
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** True for projections, including ones made by another copy of this package. */
export function isProjection(value: unknown): value is FeatureViewProjection {
  if (value instanceof FeatureViewProjection) return true;
  if (typeof value !== "object" || value === null) return false;
  const kind = definitionKind((value as { view?: unknown }).view);
  return kind === "featureView" || kind === "onDemandFeatureView";
}
