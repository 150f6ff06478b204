import { describe, expect, it } from "vitest";
import { Entity, FeatureService, FeatureView, FileSource, PushSource } from "../../runtime/src/index";
import { DefinitionError } from "../../runtime/src/errors";
import { collectDefinitions, compileDefinitions } from "../../runtime/src/registry/compile";
import { RegistryModel } from "../../runtime/src/registry/model";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const view = (overrides: Partial<ConstructorParameters<typeof FeatureView>[0]> = {}) =>
  new FeatureView({ name: "user_stats", entities: [user], ttl: "1d", source, schema: [{ name: "clicks", dtype: "Int64" }], ...overrides });

function compile(...values: unknown[]) {
  return compileDefinitions(collectDefinitions(values), "p");
}

function definitionError(fn: () => unknown): DefinitionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DefinitionError);
    return e as DefinitionError;
  }
  throw new Error("expected a DefinitionError");
}

describe("invalid definitions fail with an error naming the object and the problem", () => {
  it("duplicate names", () => {
    const other = new Entity({ name: "user", joinKeys: ["uid"], valueType: "String" });
    expect(definitionError(() => compile(user, other)).message).toBe("entity user is defined twice");
    expect(definitionError(() => compile(user, view(), view())).message).toBe("feature view user_stats is defined twice");
    const clash = new FileSource({ name: "stats_source", path: "data/other.parquet", timestampField: "event_timestamp" });
    expect(definitionError(() => compile(user, view(), clash)).message).toBe("data source stats_source is defined twice, with different settings");
  });

  it("a view whose entity is not defined", () => {
    const e = definitionError(() => compile(view()));
    expect(e.message).toBe("feature view user_stats uses entity user, which is not defined");
    expect(definitionError(() => compile(user, view({ entities: ["merchant"] }))).message).toContain("uses entity merchant, which is not defined");
  });

  it("accepts an entity that only the registry has (e.g. one Feast applied)", () => {
    const registry = new RegistryModel();
    registry.upsert("entity", "p", { spec: { name: "merchant", join_key: "merchant_id", value_type: 2, project: "p" } });
    const desired = compileDefinitions(collectDefinitions([view({ entities: ["merchant"] })]), "p", registry);
    expect(desired.featureViews[0].spec!.entity_columns).toEqual([{ name: "merchant_id", value_type: 2 }]);
  });

  it("a feature named like a join key with another dtype", () => {
    const e = definitionError(() => compile(user, view({ schema: [{ name: "user_id", dtype: "String" }, { name: "clicks", dtype: "Int64" }] })));
    expect(e.message).toBe("feature view user_stats: field user_id is the join key of entity user, but it is declared String while the entity says Int64");
  });

  it("a join key whose type nobody declares", () => {
    const untyped = new Entity({ name: "device", joinKeys: ["device_id"] });
    const e = definitionError(() => compile(untyped, view({ entities: [untyped] })));
    expect(e.message).toBe("feature view user_stats: the type of join key device_id (entity device) is unknown");
    expect(e.hint).toContain("set valueType on entity device");
  });

  it("a negative or malformed ttl", () => {
    expect(definitionError(() => view({ ttl: -5 })).message).toBe("feature view user_stats: ttl must be a non-negative number of seconds, got -5");
    expect(definitionError(() => view({ ttl: "-1d" })).message).toBe('feature view user_stats: ttl must not be negative, got "-1d"');
    expect(definitionError(() => view({ ttl: "1 fortnight" })).message).toBe('feature view user_stats: ttl "1 fortnight" is not a duration');
    // Stored as a protobuf Duration: anything longer would be written as garbage (1e300 became 0, no limit).
    expect(definitionError(() => view({ ttl: 1e300 })).message).toBe(
      "feature view user_stats: ttl 1e+300 is longer than the registry can store (at most 315,576,000,000 seconds, 10,000 years)");
    expect(definitionError(() => view({ ttl: "99999999999w" })).message).toMatch(/^feature view user_stats: ttl "99999999999w" is longer than/);
    expect(view({ ttl: 315_576_000_000 }).ttlSeconds).toBe(315_576_000_000);
  });

  it("a dtype that does not exist", () => {
    const e = definitionError(() => view({ schema: [{ name: "clicks", dtype: "Int128" as never }] }));
    expect(e.message).toBe('feature view user_stats: field clicks has dtype "Int128", which does not exist');
    expect(definitionError(() => new Entity({ name: "x", valueType: "Array(Decimal)" as never })).message).toContain("entity x: valueType");
  });

  it("a service that references a missing feature or an undefined view", () => {
    const stats = view();
    const missing = new FeatureService({ name: "svc", features: [stats.select("impressions")] });
    const e = definitionError(() => compile(user, stats, missing));
    expect(e.message).toBe("feature service svc selects feature impressions from view user_stats, which has no such feature");
    expect(e.hint).toBe("its features are: clicks");
    const orphan = view({ name: "unexported" });
    expect(definitionError(() => compile(user, stats, new FeatureService({ name: "svc2", features: [orphan] }))).message)
      .toBe("feature service svc2 uses feature view unexported, which is not defined");
  });

  it("reports every problem at once", () => {
    const e = definitionError(() => compile(view(), view({ name: "other", entities: ["ghost"] })));
    expect(e.message).toMatch(/^2 problems in the definitions:/);
    expect(e.message).toContain("feature view user_stats uses entity user");
    expect(e.message).toContain("feature view other uses entity ghost");
  });

  it("other malformed definitions: bad names, entity with two join keys, empty schema, bad source", () => {
    expect(definitionError(() => new Entity({ name: "has space" })).message).toBe('entity name "has space" is invalid');
    expect(definitionError(() => new Entity({ name: "pair", joinKeys: ["a", "b"] })).message).toContain("entity pair: joinKeys must hold exactly one column");
    expect(definitionError(() => compile(user, view({ schema: [{ name: "user_id", dtype: "Int64" }] }))).message).toBe("feature view user_stats has no features");
    expect(definitionError(() => view({ source: { name: "nope" } as never })).message).toContain("feature view user_stats: source must be");
    expect(definitionError(() => new PushSource({ name: "push", batchSource: {} as never })).message).toContain("PushSource push: batchSource");
  });
});

describe("valid definitions compile to Feast's layout", () => {
  it("fills entity_columns and infers an untyped entity's value type from the view's schema", () => {
    const device = new Entity({ name: "device", joinKeys: ["device_id"] });
    const v = view({ entities: [device], schema: [{ name: "device_id", dtype: "String" }, { name: "clicks", dtype: "Int32" }] });
    const desired = compile(device, v);
    expect(desired.featureViews[0].spec!.entity_columns).toEqual([{ name: "device_id", value_type: 2 }]);
    expect(desired.featureViews[0].spec!.features!.map((f) => f.name)).toEqual(["clicks"]);
    expect(desired.entities[0].spec!.value_type).toBe(2);
  });

  it("gives entityless views Feast's __dummy entity", () => {
    const desired = compile(view({ entities: [] }));
    expect(desired.featureViews[0].spec!.entities).toEqual(["__dummy"]);
    expect(desired.featureViews[0].spec!.entity_columns).toEqual([{ name: "__dummy_id", value_type: 2 }]);
    expect(desired.entities.map((e) => [e.spec!.name, e.spec!.join_key])).toEqual([["__dummy", "__dummy_id"]]);
  });

  it("registers a push source with its batch source, and embeds both in the view", () => {
    const push = new PushSource({ name: "stats_push", batchSource: source });
    const desired = compile(user, view({ source: push }));
    expect(desired.dataSources.map((s) => [s.name, s.type])).toEqual([["stats_push", 9], ["stats_source", 1]]);
    expect(desired.featureViews[0].spec!.batch_source!.name).toBe("stats_source");
    expect(desired.featureViews[0].spec!.stream_source!.name).toBe("stats_push");
  });
});
