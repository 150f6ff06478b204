import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as pulumiTypes from "@pulumi/pulumi";
import type * as providerModule from "../../pulumi/src/provider";
import { specsFromDefinitions } from "../../runtime/src/registry/kinds";
import type { ManagedKind } from "../../runtime/src/registry/model";
import { Registry } from "../../runtime/src/registry/registry";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { tempDir } from "../helpers/tmp";
import { richDefinitions } from "../helpers/rich-definitions";

// Pulumi serializes the provider from whatever code the program runs: in a real `pulumi up`, the
// compiled JavaScript. Vitest rewrites modules it loads (the text would hold its import shims), so
// these tests load dist/ with Node's own require, as Pulumi does. `npm test` builds dist/ first.
const COMPILED = path.resolve("pulumi/dist/provider/index.js");
const nativeRequire = createRequire(COMPILED);

type ProviderObject = ReturnType<typeof providerModule.registryObjectProvider>;

const KINDS = ["entity", "dataSource", "featureView", "featureService"] as const satisfies readonly ManagedKind[];
const specs = specsFromDefinitions(richDefinitions(), "p");
const sampleSpec = {
  entity: specs.entity[0], dataSource: specs.dataSource[0], featureView: specs.featureView[0], featureService: specs.featureService[0],
};

describe("the provider Pulumi stores in the stack", () => {
  const dir = tempDir();
  const serialized = new Map<string, unknown>();

  beforeAll(async () => {
    expect(existsSync(COMPILED), `${COMPILED} is missing: run \`npm run build\``).toBe(true);
    const pulumi: typeof pulumiTypes = nativeRequire("@pulumi/pulumi");
    const { RegistryObject }: typeof providerModule = nativeRequire("./index.js");
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        serialized.set(args.type, args.inputs.__provider);
        return { id: args.name, state: args.inputs };
      },
      call: () => ({}),
    }, "skewless", "test", false);
    const objects = KINDS.map((kind) => new RegistryObject(kind, `sample-${kind}`, { registry: "/srv/r.db", project: "p", spec: sampleSpec[kind] }));
    await Promise.all(objects.map((o) => new Promise((resolve) => o.urn.apply(resolve))));
  });

  for (const kind of KINDS) {
    it(`serializes the ${kind} provider, capturing only its own code, and the text runs as Pulumi's host runs it`, async () => {
      const text = serialized.get(`pulumi-nodejs:dynamic/skewless:${kind[0].toUpperCase()}${kind.slice(1)}`);
      expect(typeof text).toBe("string");   // a plain string: not a secret, nothing captured that needed one
      const source = text as string;
      expect(source).toContain('require("@skewless/runtime/internal")');   // the package's internals, by name
      expect(source).not.toMatch(/__vite|\/work\/|node_modules|@pulumi\/pulumi/);
      expect(source.length).toBeLessThan(20_000);

      // The dynamic provider host loads the text with require-from-string, from the project folder.
      const requireFromString: (code: string) => { handler(): ProviderObject } = nativeRequire("require-from-string");
      const provider = requireFromString(source).handler();
      const registry = path.join(dir, `${kind}.db`);
      if (kind === "featureService") {
        for (const view of specs.featureView) await RegistryObjects.open(registry).put("featureView", "p", view, "pulumi");
      }
      const inputs = { ...sampleSpec[kind], registry, project: "p" };
      const created = await provider.create(inputs as never);
      const model = await new Registry(new FileRegistryStore(registry)).load();
      expect(model.get(kind, "p", created.id.split("/")[1])).toBeDefined();

      // The host hands diff the bags with `__provider` in them, and the text holds Pulumi's unknown
      // placeholder as a literal: that must not read as an unknown value (every preview would update).
      expect(source).toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
      const diff = await provider.diff!(created.id, { ...created.outs, __provider: source } as never, { ...inputs, __provider: source } as never);
      expect(diff.changes).toBe(false);
    });
  }
});
