import { beforeAll, describe, expect, it } from "vitest";
import type * as componentsModule from "../../pulumi/src/components";
import { Entity as EntityDefinition } from "../../runtime/src/definitions/entity";
import { FeatureService as ServiceDefinition } from "../../runtime/src/definitions/feature-service";
import { FeatureView as ViewDefinition } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { settle, startMocks, valueOf, type Registered } from "../helpers/pulumi-mocks";

const target = { registry: "/srv/features/registry.db", project: "shop" };
const customer = new EntityDefinition({ name: "customer", joinKeys: ["customer_id"], valueType: "String" });
const source = new FileSource({ name: "orders", path: "data/orders.parquet", timestampField: "ts" });
const orders = new ViewDefinition({ name: "orders", entities: [customer], ttl: "2h", source, schema: [{ name: "spend", dtype: "Float64" }] });

describe("single registry object components, without a FeatureStore", () => {
  let registered: Registered[];
  let components: typeof componentsModule;

  beforeAll(async () => {
    registered = await startMocks();
    components = await import("../../pulumi/src/components/index.js");
  });

  it("register an object from a runtime definition, its spec compiled from the definitions it references", async () => {
    const entity = new components.Entity("customer", { store: target, definition: customer });
    const view = new components.FeatureView("orders", { store: target, definition: orders }, { dependsOn: [entity] });
    const service = new components.FeatureService("checkout_v1", { store: target, definition: new ServiceDefinition({ name: "checkout_v1", features: [orders] }) }, { dependsOn: [view] });
    const dataSource = new components.DataSource("orders_source", { store: target, definition: source });
    await Promise.all([entity, view, service, dataSource].map((c) => valueOf(c.object.urn)));
    await settle();
    const inputsOf = (type: string) => registered.find((r) => r.type === `pulumi-nodejs:dynamic/skewless:${type}`)!.inputs;
    expect(inputsOf("Entity")).toMatchObject({ name: "customer", joinKey: "customer_id", valueType: "String", registry: "/srv/features/registry.db", project: "shop" });
    expect(inputsOf("FeatureView")).toMatchObject({ name: "orders", entities: ["customer"], joinKeys: [{ name: "customer_id", dtype: "String" }], features: [{ name: "spend", dtype: "Float64" }], ttl: "2h" });
    expect(inputsOf("FeatureService")).toMatchObject({ features: [{ view: "orders", features: ["spend"] }] });
    expect(inputsOf("DataSource")).toMatchObject({ name: "orders", type: "file", path: "data/orders.parquet", timestampField: "ts" });
    expect(registered.filter((r) => !r.custom).map((r) => r.type).sort()).toEqual([
      "skewless:index:DataSource", "skewless:index:Entity", "skewless:index:FeatureService", "skewless:index:FeatureView",
    ]);
  });

  it("refuse a relative registry path when the program cannot know its Pulumi project root", () => {
    // Under mocks, as in an Automation API inline program, no language host says where Pulumi.yaml is.
    expect(() => new components.Entity("relative", { store: { registry: "data/registry.db", project: "shop" }, definition: customer }))
      .toThrow(/Entity relative: registry "data\/registry.db" is relative, and this program does not know its Pulumi project root/);
  });

  it("say which definitions are missing when a view names its entity by string", () => {
    const byName = new ViewDefinition({ name: "by_name", entities: ["customer"], source, schema: [{ name: "spend", dtype: "Float64" }] });
    expect(() => new components.FeatureView("by_name", { store: target, definition: byName }))
      .toThrow(/feature view by_name uses entity customer, which is not defined/);
    const view = new components.FeatureView("by_name_ok", {
      store: target, definition: byName,
      definitions: { entities: [customer], dataSources: [], featureViews: [byName], featureServices: [] },
    });
    expect(view.spec.joinKeys).toEqual([{ name: "customer_id", dtype: "String" }]);
  });
});
