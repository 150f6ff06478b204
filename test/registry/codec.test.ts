import * as protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { cloneMessage, decodeMessage, encodeMessage, UNKNOWN_FIELDS, type ProtoMessage } from "../../runtime/src/registry/proto/codec";
import { RegistryModel } from "../../runtime/src/registry/model";
import type { RegistryProto } from "../../runtime/src/registry/proto/types";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** A field the schema does not know: tag (number, wire type) + payload, as raw bytes. */
function unknownField(number: number, payload: string): Buffer {
  return Buffer.from(protobuf.Writer.create().uint32((number << 3) | 2).string(payload).finish());
}

describe("Value and well-known type encodings", () => {
  it("matches Feast's byte vectors for float, int64 and Timestamp", () => {
    expect(hex(encodeMessage("feast.types.Value", { float_val: 0.5 }))).toBe("350000003f");
    expect(hex(encodeMessage("feast.types.Value", { int64_val: 308n }))).toBe("20b402");
    expect(hex(encodeMessage("google.protobuf.Timestamp", { seconds: 1640991600n }))).toBe("08f096be8e06");
  });

  it("writes a oneof member even when it holds the default value", () => {
    expect(hex(encodeMessage("feast.types.Value", { int64_val: 0n }))).toBe("2000");
    expect(decodeMessage("feast.types.Value", encodeMessage("feast.types.Value", { bool_val: false }))).toEqual({ bool_val: false });
  });

  it("keeps 64-bit integers exact, negative and extreme ones included", () => {
    for (const v of [-1n, -(2n ** 63n), 2n ** 63n - 1n, 9_007_199_254_740_993n]) {
      const decoded = decodeMessage<{ int64_val: bigint }>("feast.types.Value", encodeMessage("feast.types.Value", { int64_val: v }));
      expect(decoded.int64_val).toBe(v);
    }
    const list = { int64_list_val: { val: [1n, -2n, 2n ** 40n] } };
    expect(decodeMessage("feast.types.Value", encodeMessage("feast.types.Value", list))).toEqual(list);
  });

  it("reads unpacked repeated numbers as well as packed ones", () => {
    const unpacked = protobuf.Writer.create().uint32((1 << 3) | 0).int64(5).uint32((1 << 3) | 0).int64(7).finish();
    expect(decodeMessage("feast.types.Int64List", unpacked)).toEqual({ val: [5n, 7n] });
  });
});

/** A registry with every kind of message Feast writes, and fields our schema does not know at several depths. */
function richRegistry(): Uint8Array {
  const registry: RegistryProto = {
    registry_schema_version: "1",
    version_id: "v1",
    last_updated: { seconds: 1_700_000_000n, nanos: 5 },
    entities: [{ spec: { name: "driver", join_key: "driver_id", value_type: 4, project: "p", tags: { a: "b" } }, meta: {} }],
    feature_views: [{
      spec: {
        name: "fv", project: "p", entities: ["driver"], features: [{ name: "x", value_type: 6 }],
        ttl: { seconds: 86400n }, online: true,
        batch_source: { type: 1, name: "src", timestamp_field: "ts", file_options: { uri: "data/x.parquet" } },
        entity_columns: [{ name: "driver_id", value_type: 4 }],
      },
      meta: { materialization_intervals: [{ start_time: { seconds: 1n }, end_time: { seconds: 2n } }], state: 4 },
    }],
    on_demand_feature_views: [{
      spec: {
        name: "odfv", project: "p",
        feature_transformation: { user_defined_function: { name: "f", body: Uint8Array.from([0x80, 0x04, 0x95, 0xff, 0]), body_text: "def f(df): ..." } },
        sources: { req: { request_data_source: { type: 7, name: "req", request_data_options: { schema: [{ name: "v", value_type: 4 }] } } } },
      },
    }],
    permissions: [{ spec: { name: "readers", project: "p", types: [0, 5], actions: [4, 5], policy: { role_based_policy: { roles: ["reader"] } } } }],
    saved_datasets: [{ spec: { name: "train", project: "p", features: ["fv:x"], storage: { file_storage: { uri: "s3://b/x.parquet" } } } }],
    infra: { infra_objects: [{ infra_object_class_type: "feast.infra.online_stores.sqlite.SqliteTable", sqlite_table: { path: "/x/online.db", name: "p_fv" } }] },
    projects: [{ spec: { name: "p", description: "d" }, meta: { created_timestamp: { seconds: 3n } } }],
    label_views: [{ spec: { name: "labels", project: "p" } }],
    feature_view_version_history: { records: [{ feature_view_name: "fv", version_number: 2, feature_view_proto: Uint8Array.from([1, 2, 3]) }] },
  };
  const known = encodeMessage("feast.core.Registry", registry);
  // Unknown fields: one at the top, one inside a view spec (re-encoded by hand), one inside a map value.
  const decoded = decodeMessage<RegistryProto & ProtoMessage>("feast.core.Registry", known);
  decoded.feature_views![0].spec![UNKNOWN_FIELDS] = [unknownField(99, "future spec field")];
  decoded.on_demand_feature_views![0].spec!.sources = {
    req: { ...(decoded.on_demand_feature_views![0].spec!.sources as Record<string, ProtoMessage>).req, [UNKNOWN_FIELDS]: [unknownField(77, "in a map value")] },
  };
  return Buffer.concat([encodeMessage("feast.core.Registry", decoded), unknownField(500, "future registry field")]);
}

describe("registry codec", () => {
  it("decodes and re-encodes a registry with every kind of object to the same bytes", () => {
    const bytes = richRegistry();
    const decoded = decodeMessage("feast.core.Registry", bytes);
    expect(hex(encodeMessage("feast.core.Registry", decoded))).toBe(hex(bytes));
  });

  it("keeps unknown fields at every depth through a model update of another object", () => {
    const model = new RegistryModel(decodeMessage<RegistryProto>("feast.core.Registry", richRegistry()));
    model.upsert("entity", "p", { spec: { name: "rider", join_key: "rider_id", value_type: 2, project: "p" } });
    const out = Buffer.from(encodeMessage("feast.core.Registry", model.proto));
    for (const text of ["future spec field", "in a map value", "future registry field", "def f(df): ..."]) {
      expect(out.includes(Buffer.from(text))).toBe(true);
    }
    const again = decodeMessage<RegistryProto>("feast.core.Registry", out);
    expect(again.on_demand_feature_views![0].spec!.feature_transformation).toEqual(
      (decodeMessage<RegistryProto>("feast.core.Registry", richRegistry()).on_demand_feature_views![0].spec!.feature_transformation),
    );
    expect(again.entities!.map((e) => e.spec!.name)).toEqual(["driver", "rider"]);
  });

  it("keeps a known field that arrives with an unexpected wire type as an unknown field", () => {
    // field 1 of Entity (spec) sent as a varint instead of a message
    const odd = protobuf.Writer.create().uint32((1 << 3) | 0).uint32(42).finish();
    const decoded = decodeMessage<ProtoMessage>("feast.core.Entity", odd);
    expect(decoded.spec).toBeUndefined();
    expect(hex(encodeMessage("feast.core.Entity", decoded))).toBe(hex(odd));
  });

  it("clones deeply, unknown fields included", () => {
    const decoded = decodeMessage<RegistryProto>("feast.core.Registry", richRegistry());
    const copy = cloneMessage("feast.core.Registry", decoded);
    copy.entities![0].spec!.name = "changed";
    expect(decoded.entities![0].spec!.name).toBe("driver");
    expect(copy[UNKNOWN_FIELDS]).toEqual(decoded[UNKNOWN_FIELDS]);
  });
});
