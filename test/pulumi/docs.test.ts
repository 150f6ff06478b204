import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { registryObjectProvider, type RegistryObjectInputs } from "../../pulumi/src/provider/registry-object-provider";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { specsFromDefinitions } from "../../runtime/src/registry/kinds";
import { Registry } from "../../runtime/src/registry/registry";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { renderChange } from "../../runtime/src/registry/render-plan";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { loadDefinitions } from "../../runtime/src/repo/load-definitions";
import { tempDir } from "../helpers/tmp";

/** Scalar input changes as `pulumi preview --diff` prints them. */
function previewLines(olds: object, news: object): string[] {
  const before = olds as Record<string, unknown>;
  const after = news as Record<string, unknown>;
  return Object.keys(after)
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `~ ${key}: ${JSON.stringify(before[key])} => ${JSON.stringify(after[key])}`);
}

describe("docs/pulumi.md", () => {
  // The CLI pads property names into a column (`ttl                : ...`): compare without the padding.
  const doc = readFileSync("docs/pulumi.md", "utf8").replace(/ +:/g, ":");

  it("shows the preview a reviewer gets for the ttl change, as the provider and the inputs produce it", async () => {
    const { definitions } = await loadDefinitions("stacks/feature_repo");
    const before = specsFromDefinitions(definitions, "feature_repo").featureView.find((v) => v.name === "user_credit")!;
    const old = definitions.featureViews.find((v) => v.name === "user_credit")!;
    const edited = new FeatureView({ ...old, entities: [...old.entities], schema: [...old.schema], ttl: "14d" });   // the edit in features.ts
    const featureViews = definitions.featureViews.map((v) => (v === old ? edited : v));
    const after = specsFromDefinitions({ ...definitions, featureViews }, "feature_repo").featureView.find((v) => v.name === "user_credit")!;

    const registry = path.join(tempDir(), "registry.db");
    const provider = registryObjectProvider("featureView");
    const inputs = (spec: typeof before) => ({ ...spec, registry, project: "feature_repo" }) as RegistryObjectInputs<"featureView">;
    const created = await provider.create(inputs(before));
    expect(await provider.diff!(created.id, created.outs!, inputs(after))).toMatchObject({ changes: true, replaces: [] });

    const lines = previewLines(inputs(before), inputs(after));
    expect(lines).toEqual(['~ ttl: "1w" => "2w"']);
    for (const line of [...lines, `[id=${created.id}]`]) expect(doc).toContain(line);
    const plan = await RegistryObjects.open(registry).plan("featureView", "feature_repo", after);
    expect(doc).toContain(renderChange({ action: "update", kind: "featureView", name: "user_credit", changes: plan.changes }));

    // Drift: feast apply sets 3d; a refresh reads it back as the inputs the preview compares with.
    await new Registry(new FileRegistryStore(registry)).update((model) => {
      model.get("featureView", "feature_repo", "user_credit")!.spec!.ttl = { seconds: 3n * 86_400n };
    });
    const refreshed = await provider.read!(created.id, created.outs);
    expect(doc).toContain(previewLines(refreshed.inputs!, inputs(before))[0]);
  });
});
