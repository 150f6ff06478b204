import type { OnDemandTransform } from "../definitions/on-demand-feature-view";
import { RequestDataNotFoundError, TransformError } from "../errors";
import type { RequestedOnDemandView } from "../registry/on-demand-refs";
import { canonicalInput, canonicalOutput, ValueFitError } from "./canonical-values";

/** Columns of a joined result, by name (online: the read; offline: the point-in-time join). */
export type ColumnSource = (name: string) => readonly unknown[] | undefined;

/**
 * Runs one on-demand view over `rowCount` rows: builds each row's inputs from `columns` in the
 * canonical forms, calls the transform, and fits each output to its declared type. Returns one
 * column per requested feature. Both retrieval paths call this, so the code between the stored
 * values and the transform is the same for training and serving.
 */
export function runOnDemand(requested: RequestedOnDemandView, transform: OnDemandTransform, rowCount: number, columns: ColumnSource): unknown[][] {
  const name = requested.view.name;
  const inputs = requested.inputs.map((input) => ({ ...input, values: columns(input.column) }));
  const missing = inputs.filter((i) => i.values === undefined).map((i) => i.name);
  if (missing.length) throw new RequestDataNotFoundError(missing);
  const out = requested.features.map(() => new Array<unknown>(rowCount));
  for (let i = 0; i < rowCount; i++) {
    const row: Record<string, unknown> = {};
    for (const input of inputs) row[input.name] = canonicalInput(input.values![i], input.valueType);
    let result: Record<string, unknown>;
    try {
      result = transform(Object.freeze(row));
    } catch (error) {
      throw new TransformError(name, `on demand feature view ${name}: the transform threw on row ${i}: ${error instanceof Error ? error.message : String(error)}`, {
        hint: "fix the transform (it must handle null inputs: a value that is missing is null)", cause: error,
      });
    }
    if (typeof result !== "object" || result === null) {
      throw new TransformError(name, `on demand feature view ${name}: the transform returned ${String(result)} on row ${i}, not an object of features`);
    }
    requested.features.forEach((feature, f) => {
      if (!(feature.name in result)) {
        throw new TransformError(name, `on demand feature view ${name}: the transform returned no ${feature.name} on row ${i}`, { hint: "return every schema field (null for none)" });
      }
      try {
        out[f][i] = canonicalOutput(result[feature.name], feature.valueType);
      } catch (error) {
        if (!(error instanceof ValueFitError)) throw error;
        throw new TransformError(name, `on demand feature view ${name}: feature ${feature.name} on row ${i}: ${error.message} ${feature.dtype ?? "its type"}`, {
          hint: `return a value of the declared dtype (${feature.dtype ?? feature.valueType})`,
        });
      }
    });
  }
  return out;
}
