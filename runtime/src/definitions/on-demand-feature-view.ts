import { DefinitionError } from "../errors";
import { checkName, checkTags, definitionKind, DEFINITION_KIND, type DefinitionMetadata } from "./definition";
import { describe, FeatureViewProjection, isProjection, type FeatureView } from "./feature-view";
import { Field, type FieldOptions } from "./field";
import type { RequestSource } from "./sources";

/**
 * One row's inputs: every feature of the source views under its own name (Int64 as bigint, floats
 * as number, timestamps as Date, a missing value as null) and the request source's columns.
 */
export type OnDemandRow = Readonly<Record<string, unknown>>;

/** Computes the view's features for one row; every schema field must be returned (null for none). */
export type OnDemandTransform = (row: OnDemandRow) => Record<string, unknown>;

export interface OnDemandFeatureViewOptions extends DefinitionMetadata {
  name: string;
  /** Feature views (or projections of them) and request sources the transform reads. */
  sources: (FeatureView | FeatureViewProjection | RequestSource)[];
  /** The features the transform returns. */
  schema: (FieldOptions | Field)[];
  /**
   * A pure function of the row: the same code runs after the point-in-time join for training and
   * after the online read for serving, so both see the same inputs and give the same outputs.
   */
  transform: OnDemandTransform;
}

/**
 * Features computed at request time from other views' features and request data (Feast's
 * `OnDemandFeatureView`), with a TypeScript transform.
 *
 * @example
 * export const txnRisk = new OnDemandFeatureView({
 *   name: "txn_risk", sources: [userStats, txnRequest],
 *   schema: [{ name: "amount_over_avg", dtype: "Float64" }],
 *   transform: (row) => ({ amount_over_avg: (row.amount as number) / ((row.avg_amount as number) || 1) }),
 * });
 */
export class OnDemandFeatureView {
  readonly [DEFINITION_KIND] = "onDemandFeatureView" as const;
  readonly name: string;
  readonly viewSources: readonly FeatureViewProjection[];
  readonly requestSources: readonly RequestSource[];
  readonly schema: readonly Field[];
  readonly transform: OnDemandTransform;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: OnDemandFeatureViewOptions) {
    this.name = checkName("on demand feature view", options?.name);
    const what = `on demand feature view ${this.name}`;
    if (!Array.isArray(options.sources) || options.sources.length === 0) {
      throw new DefinitionError(`${what}: sources must list at least one feature view or RequestSource`);
    }
    const views: FeatureViewProjection[] = [];
    const requests: RequestSource[] = [];
    for (const source of options.sources) {
      if (isProjection(source) && definitionKind(source.view) === "onDemandFeatureView") {
        throw new DefinitionError(`${what}: source ${source.view.name} is an on-demand view`, "an on-demand view reads feature views and request sources only");
      }
      if (isProjection(source)) views.push(source);
      else if (definitionKind(source) === "featureView") views.push(new FeatureViewProjection(source as FeatureView));
      else if ((source as RequestSource | undefined)?.sourceType === "request") requests.push(source as RequestSource);
      else throw new DefinitionError(`${what}: sources must be feature views, projections or RequestSources, got ${describe(source)}`);
    }
    this.viewSources = views;
    this.requestSources = requests;
    if (!Array.isArray(options.schema) || options.schema.length === 0) throw new DefinitionError(`${what}: schema must list at least one field`);
    this.schema = options.schema.map((f) => new Field(f, what));
    if (typeof options.transform !== "function") {
      throw new DefinitionError(`${what}: transform must be a function of one row`, "e.g. transform: (row) => ({ total: row.a + row.b })");
    }
    this.transform = options.transform;
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }

  /** A projection with only these features, for a feature service. */
  select(...features: string[]): FeatureViewProjection {
    return new FeatureViewProjection(this, { features: features.flat() });
  }
}
