import { describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource, KafkaSource } from "../../runtime/src/index";
import { collectDefinitions, compileDefinitions } from "../../runtime/src/registry/compile";
import { compileSpec, parseProjection, specsFromDefinitions } from "../../runtime/src/registry/compile-spec";
import { KINDS, RegistryModel, type ManagedKind } from "../../runtime/src/registry/model";
import { encodeMessage } from "../../runtime/src/registry/proto/codec";
import { specFromProto, type FeatureViewSpec } from "../../runtime/src/registry/object-spec";
import { DefinitionError } from "../../runtime/src/errors";
import { richDefinitions } from "../helpers/rich-definitions";

const PROJECT = "p";

function registryWith(desired: ReturnType<typeof compileDefinitions>): RegistryModel {
  const model = new RegistryModel();
  for (const v of desired.featureViews) model.upsert("featureView", PROJECT, v);
  return model;
}

describe("object specs", () => {
  it("compile back to the very bytes skewless apply writes, for every kind and option", () => {
    const desired = compileDefinitions(richDefinitions(), PROJECT);
    const model = registryWith(desired);
    const all: [ManagedKind, object[]][] = [
      ["entity", desired.entities], ["dataSource", desired.dataSources],
      ["featureView", desired.featureViews], ["featureService", desired.featureServices],
    ];
    let checked = 0;
    for (const [kind, protos] of all) {
      for (const proto of protos) {
        const spec = specFromProto(kind, proto as never);
        const bytes = (p: object) => Buffer.from(encodeMessage(KINDS[kind].type, p)).toString("hex");
        expect(bytes(compileSpec(kind, spec, PROJECT, model))).toBe(bytes(proto));
        checked++;
      }
    }
    expect(checked).toBe(3 + 4 + 4 + 1);   // entities with Feast's placeholder, sources with the push's batch, views, service
  });

  it("a KafkaSource (json and avro, with its batch source) and a view it feeds compile back to the same bytes", () => {
    const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
    const files = new FileSource({ name: "clicks_files", path: "data/clicks", timestampField: "ts" });
    const json = new KafkaSource({ name: "clicks_json", kafkaBootstrapServers: "b1:9092,b2:9092", topic: "clicks", timestampField: "ts", batchSource: files, fieldMapping: { n: "clicks" }, tags: { team: "growth" } });
    const avro = new KafkaSource({
      name: "clicks_avro", kafkaBootstrapServers: "b1:9092", topic: "clicks-avro", timestampField: "ts", batchSource: files, createdTimestampColumn: "created",
      messageFormat: { format: "avro", schema: '{"type":"record","name":"C","fields":[]}' }, watermarkDelayThreshold: "10m",
    });
    const view = new FeatureView({ name: "clicks", entities: [user], source: json, schema: [{ name: "clicks", dtype: "Int64" }] });
    const desired = compileDefinitions(collectDefinitions([user, files, json, avro, view]), PROJECT);
    const model = registryWith(desired);
    const bytes = (kind: ManagedKind, p: object) => Buffer.from(encodeMessage(KINDS[kind].type, p)).toString("hex");
    for (const proto of [...desired.dataSources, ...desired.featureViews]) {
      const kind: ManagedKind = "spec" in proto ? "featureView" : "dataSource";
      expect(bytes(kind, compileSpec(kind, specFromProto(kind, proto as never), PROJECT, model))).toBe(bytes(kind, proto));
    }
    const spec = specFromProto("dataSource", desired.dataSources.find((d) => d.name === "clicks_avro")!);
    expect(spec).toMatchObject({ type: "kafka", topic: "clicks-avro", messageFormat: "avro", watermarkDelaySeconds: 600, batchSource: { type: "file", path: "data/clicks" } });
    expect(desired.featureViews[0]!.spec!.stream_source).toMatchObject({ type: 3, name: "clicks_json", kafka_options: { topic: "clicks" } });
  });

  it("read like the definitions: ttl in units, features as name: dtype, no placeholder entity", () => {
    const specs = specsFromDefinitions(richDefinitions(), PROJECT);
    const byName = Object.fromEntries(specs.featureView.map((v) => [v.name, v]));
    expect(byName.user_stats).toMatchObject({
      entities: ["user"], joinKeys: ["user_id: Int64"], ttl: "1d", online: true,
      features: ["clicks: Int64", "ctr: Float32", "history: Array(Int32)"],
      featureDescriptions: { clicks: "clicks today" }, featureTags: { clicks: { pii: "false" } },
      source: { name: "stats_source", type: "file", path: "data/stats.parquet", fieldMapping: { raw_clicks: "clicks" } },
    });
    expect(byName.user_merchant.joinKeys).toEqual(["user_id: Int64", "merchant_id: String"]);
    expect(byName.user_merchant.features).toEqual(["spend: Float64"]);
    expect(byName.global_stats).toMatchObject({ entities: [], joinKeys: [], ttl: "0s" });
    expect(byName.live_clicks.source).toMatchObject({ type: "push", name: "clicks_push", batchSource: { type: "file", name: "clicks_batch" } });
    expect(specs.featureService[0].features).toEqual([
      "user_stats: clicks, ctr",
      "user_merchant as pairs: spend (join keys user_id=buyer_id)",
      "global_stats: total",
      "live_clicks: recent",
    ]);
    expect(specs.entity.find((e) => e.name === "merchant")).toMatchObject({ joinKey: "merchant_id", valueType: "String" });
  });

  it("leave the managed-by tag out, so ownership never reads as a change", () => {
    const desired = compileDefinitions(richDefinitions(), PROJECT);
    const entity = desired.entities[0];
    entity.spec!.tags = { ...entity.spec!.tags, "skewless/managed-by": "pulumi" };
    expect(specFromProto("entity", entity).tags).toEqual({ team: "growth" });
  });

  it("are validated with the messages skewless plan prints", () => {
    const view = specsFromDefinitions(richDefinitions(), PROJECT).featureView[0];
    const bad = (patch: Partial<FeatureViewSpec>) => () => compileSpec("featureView", { ...view, ...patch }, PROJECT);
    expect(bad({ ttl: "1 day" })).toThrow(/feature view user_stats: ttl "1 day" is not a duration/);
    expect(bad({ features: ["clicks: Int65"] })).toThrow(/field clicks has dtype "Int65", which does not exist/);
    expect(bad({ features: ["clicks Int64"] })).toThrow(/feature "clicks Int64" must read "name: dtype"/);
    expect(bad({ joinKeys: [] })).toThrow(/joinKeys must give one "join_key: dtype" per entity/);
    expect(bad({ features: [] })).toThrow(DefinitionError);
    expect(bad({ featureTags: { nope: { a: "b" } } })).toThrow(/name nope, which is not one of its features/);
  });

  it("compile a service only against views the registry holds", () => {
    const service = specsFromDefinitions(richDefinitions(), PROJECT).featureService[0];
    expect(() => compileSpec("featureService", service, PROJECT, new RegistryModel()))
      .toThrow(/feature service ranker_v1 uses feature view user_stats, which is not in the registry/);
  });

  it("parse projections, with aliases and join key maps", () => {
    expect(parseProjection("v as w: a, b (join keys k=c, l=d)", "s")).toEqual({
      view: "v", alias: "w", features: ["a", "b"], joinKeyMap: { k: "c", l: "d" },
    });
    expect(() => parseProjection("v", "feature service s")).toThrow(/feature service s: "v" is not a projection/);
  });
});
