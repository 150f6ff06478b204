import { UnsupportedTransformError } from "../../errors";
import type { OnDemandTransforms } from "../../on-demand/transforms";
import { runOnDemand } from "../../on-demand/run-transform";
import type { DecodeOptions } from "../value-decoder";
import { presentValue } from "./present-value";
import type { EntityColumns } from "./entity-rows";
import type { FeatureVector, FieldStatus } from "./online-response";
import type { RetrievalPlan } from "./retrieval-plan";

/**
 * Computes the plan's on-demand views over what was read (and the request data in the entity
 * rows), then lays out the response as Feast does: entity columns without the request data,
 * then the features in request order, transform inputs that were not asked for left out.
 */
export async function withOnDemand(
  plan: RetrievalPlan, columns: FeatureVector[], entities: EntityColumns, transforms: OnDemandTransforms | undefined, decode: DecodeOptions,
): Promise<FeatureVector[]> {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const source = (name: string) => byName.get(name)?.values ?? entities.columns.get(name);
  const computed: FeatureVector[] = [];
  for (const requested of plan.onDemand) {
    if (!transforms) throw new UnsupportedTransformError(requested.view.name, `on demand feature view ${requested.view.name}: this retriever has no transforms`, "use FeatureStore.getOnlineFeatures");
    const transform = await transforms.transform(requested.view);
    const outputs = runOnDemand(requested, transform, entities.rowCount, source);
    requested.features.forEach((feature, f) => {
      computed.push({
        name: requested.outputNames[f],
        values: outputs[f].map((v) => presentValue(v, feature.valueType, decode)),
        statuses: new Array<FieldStatus>(entities.rowCount).fill("PRESENT"),
        eventTimestamps: new Array<Date | null>(entities.rowCount).fill(null),
        valueType: feature.valueType,
      });
    });
  }
  for (const c of computed) byName.set(c.name, c);
  const requestData = new Set(plan.onDemand.flatMap((r) => r.view.requestFields.map((f) => f.name)));
  const keyColumns = new Set(plan.views.flatMap((v) => v.requestColumns.filter((c): c is string => c !== undefined)));
  const entityOut = entities.names.filter((n) => !requestData.has(n) || keyColumns.has(n)).map((n) => byName.get(n)!);
  return [...entityOut, ...plan.outputNames.map((n) => byName.get(n)!)];
}
