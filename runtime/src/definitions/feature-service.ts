import { DefinitionError } from "../errors";
import { checkName, checkTags, definitionKind, DEFINITION_KIND, type DefinitionMetadata } from "./definition";
import { describe, FeatureViewProjection, isProjection, type FeatureView } from "./feature-view";
import type { OnDemandFeatureView } from "./on-demand-feature-view";

export interface FeatureServiceOptions extends DefinitionMetadata {
  name: string;
  /** Whole views, or projections such as `userStats.select("clicks")`. */
  features: (FeatureView | OnDemandFeatureView | FeatureViewProjection)[];
}

/**
 * A named set of features a model consumes, versioned with the model (`churn_v1`).
 *
 * @example
 * export const churnV1 = new FeatureService({ name: "churn_v1", features: [userStats.select("clicks"), orders] });
 */
export class FeatureService {
  readonly [DEFINITION_KIND] = "featureService" as const;
  readonly name: string;
  readonly projections: readonly FeatureViewProjection[];
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: FeatureServiceOptions) {
    this.name = checkName("feature service", options?.name);
    const what = `feature service ${this.name}`;
    if (!Array.isArray(options.features) || options.features.length === 0) {
      throw new DefinitionError(`${what}: features must list at least one feature view`);
    }
    this.projections = options.features.map((f) => {
      if (isProjection(f)) return f;
      const kind = definitionKind(f);
      if (kind === "featureView" || kind === "onDemandFeatureView") return new FeatureViewProjection(f as FeatureView | OnDemandFeatureView);
      throw new DefinitionError(`${what}: features must be feature views or projections, got ${describe(f)}`);
    });
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }
}
