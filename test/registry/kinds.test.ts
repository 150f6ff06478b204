import { describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource, KafkaSource } from "../../runtime/src/index";
import { collectDefinitions, compileDefinitions } from "../../runtime/src/registry/compile";
import { checkSpec, specFromProto, specsFromDefinitions, specToProto, type FeatureViewSpec } from "../../runtime/src/registry/kinds";
import { KINDS, RegistryModel, type ManagedKind } from "../../runtime/src/registry/model";
import { encodeMessage } from "../../runtime/src/registry/proto/codec";
import { DefinitionError } from "../../runtime/src/errors";
import { richDefinitions } from "../helpers/rich-definitions";

const PROJECT = "p";

function registryWith(desired: ReturnType<typeof compileDefinitions>): RegistryModel {
  const model = new RegistryModel();
  for (const v of desired.featureViews) model.upsert("featureView", PROJECT, v);
  return model;
}

describe("object specs (one handler per kind)", () => {
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
        expect(bytes(specToProto(kind, spec, PROJECT, model))).toBe(bytes(proto));
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
      expect(bytes(kind, specToProto(kind, specFromProto(kind, proto as never), PROJECT, model))).toBe(bytes(kind, proto));
    }
    const spec = specFromProto("dataSource", desired.dataSources.find((d) => d.name === "clicks_avro")!);
    expect(spec).toMatchObject({ type: "kafka", topic: "clicks-avro", messageFormat: "avro", watermarkDelaySeconds: 600, batchSource: { type: "file", path: "data/clicks" } });
    expect(desired.featureViews[0]!.spec!.stream_source).toMatchObject({ type: 3, name: "clicks_json", kafka_options: { topic: "clicks" } });
  });

  it("read like the definitions: ttl in units, features and projections as objects, no placeholder entity", () => {
    const specs = specsFromDefinitions(richDefinitions(), PROJECT);
    const byName = Object.fromEntries(specs.featureView.map((v) => [v.name, v]));
    expect(byName.user_stats).toMatchObject({
      entities: ["user"], joinKeys: [{ name: "user_id", dtype: "Int64" }], ttl: "1d", online: true,
      features: [
        { name: "clicks", dtype: "Int64", description: "clicks today", tags: { pii: "false" } },
        { name: "ctr", dtype: "Float32" },
        { name: "history", dtype: "Array(Int32)" },
      ],
      source: { name: "stats_source", type: "file", path: "data/stats.parquet", fieldMapping: { raw_clicks: "clicks" } },
    });
    expect(byName.user_merchant.joinKeys).toEqual([{ name: "user_id", dtype: "Int64" }, { name: "merchant_id", dtype: "String" }]);
    expect(byName.user_merchant.features).toEqual([{ name: "spend", dtype: "Float64" }]);
    expect(byName.global_stats).toMatchObject({ entities: [], joinKeys: [], ttl: "0s" });
    expect(byName.live_clicks.source).toMatchObject({ type: "push", name: "clicks_push", batchSource: { type: "file", name: "clicks_batch" } });
    expect(specs.featureService[0].features).toEqual([
      { view: "user_stats", features: ["clicks", "ctr"] },
      { view: "user_merchant", alias: "pairs", features: ["spend"], joinKeyMap: { user_id: "buyer_id" } },
      { view: "global_stats", features: ["total"] },
      { view: "live_clicks", features: ["recent"] },
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
    const bad = (patch: Partial<FeatureViewSpec>) => () => specToProto("featureView", { ...view, ...patch }, PROJECT);
    expect(bad({ ttl: "1 day" })).toThrow(/feature view user_stats: ttl "1 day" is not a duration/);
    expect(bad({ features: [{ name: "clicks", dtype: "Int65" }] })).toThrow(/field clicks has dtype "Int65", which does not exist/);
    expect(bad({ features: ["clicks: Int64"] as never })).toThrow(/feature view user_stats: features must be a list of objects like \{ name: "clicks", dtype: "Int64" \}/);
    expect(bad({ joinKeys: [] })).toThrow(/joinKeys must give one \{ name, dtype \} per entity/);
    expect(bad({ joinKeys: [{ name: "user_id", dtype: "Int65" }] })).toThrow(/joinKeys\[0\]: join key user_id has dtype "Int65"/);
    expect(bad({ features: [] })).toThrow(DefinitionError);
    expect(bad({ features: [{ name: "clicks", dtype: "Int64", tags: { pii: 1 as never } }] })).toThrow(/field clicks: tag pii must be a string/);
  });

  it("compile a service only against views the registry holds", () => {
    const service = specsFromDefinitions(richDefinitions(), PROJECT).featureService[0];
    expect(() => specToProto("featureService", service, PROJECT, new RegistryModel()))
      .toThrow(/feature service ranker_v1 uses feature view user_stats, which is not in the registry/);
  });

  it("check a service's projections for shape and names before any view exists", () => {
    const service = specsFromDefinitions(richDefinitions(), PROJECT).featureService[0];
    const check = (features: unknown) => () => checkSpec("featureService", { ...service, features: features as never });
    expect(check(service.features)).not.toThrow();
    expect(check(["user_stats: clicks"])).toThrow(/feature service ranker_v1: features must be a list of objects/);
    expect(check([{ view: "user_stats", features: [] }])).toThrow(/features\[0\] selects no features from view user_stats/);
    expect(check([{ view: "user stats", features: ["clicks"] }])).toThrow(/features\[0\]: view name "user stats" is invalid/);
    expect(check([{ view: "v", features: ["a"], joinKeyMap: { k: 3 } }])).toThrow(/features\[0\]: joinKeyMap: tag k must be a string/);
  });
});
