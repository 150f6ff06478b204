import type { OnDemandFeatureView, OnDemandTransform } from "../definitions/on-demand-feature-view";
import { UnsupportedTransformError } from "../errors";
import type { OnDemandViewInfo } from "../registry/on-demand-catalog";
import { transformSource } from "../registry/on-demand-to-proto";

/**
 * Finds the TypeScript function of a registered on-demand view. The registry holds the source text
 * (for review and for Feast), never code to evaluate: the function comes from the repo's modules
 * (or the definitions given to `FeatureStore.open`), and must be the one that was applied, so a
 * server never runs a transform other than the one training used.
 */
export class OnDemandTransforms {
  private loaded: Promise<Map<string, OnDemandFeatureView>> | undefined;

  constructor(private readonly load: () => Promise<readonly OnDemandFeatureView[]>, private readonly where: string) {}

  async transform(view: OnDemandViewInfo): Promise<OnDemandTransform> {
    this.loaded ??= this.load().then((defs) => new Map(defs.map((d) => [d.name, d])));
    const loaded = this.loaded;
    const definition = (await loaded).get(view.name);
    if (!definition) {
      this.loaded = undefined;   // the repo may gain it: look again next time
      throw new UnsupportedTransformError(
        view.name,
        `on demand feature view ${view.name} has a TypeScript transform, but ${this.where} does not define it`,
        "run retrieval from the feature repo that applied it (or pass the definition to FeatureStore.open's onDemandFeatureViews)",
      );
    }
    if (transformSource(definition) !== view.transformText) {
      throw new UnsupportedTransformError(
        view.name,
        `on demand feature view ${view.name}: the transform in ${this.where} differs from the one applied to the registry`,
        "run `skewless apply` (or deploy the code that was applied), so training and serving run the same transform",
      );
    }
    return definition.transform;
  }
}
