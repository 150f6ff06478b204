// The Feast online check's feature repo: one view per key shape (Int32, Int64, String, and a
// two-key Int64 + String view), each with every dtype a view can declare. The data comes from
// feast-check/online_check.py write-data (exact arrow types).

export const VIEWS = ["store_stats", "driver_stats", "city_stats", "driver_city_stats"] as const;

const FEATURES = [
  ["f_int32", "Int32"], ["f_int64", "Int64"], ["f_float32", "Float32"], ["f_float64", "Float64"],
  ["f_string", "String"], ["f_bool", "Bool"], ["f_bytes", "Bytes"], ["f_ts", "UnixTimestamp"],
  ["f_int64_list", "Array(Int64)"], ["f_string_list", "Array(String)"], ["f_float64_list", "Array(Float64)"], ["f_bool_list", "Array(Bool)"],
] as const;

const schema = FEATURES.map(([name, dtype]) => `{ name: "${name}", dtype: "${dtype}" }`).join(", ");

function view(name: string, entities: string): string {
  return `export const ${name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())} = new FeatureView({
  name: "${name}", entities: [${entities}], online: true,
  source: new FileSource({ name: "${name}_source", path: "data/${name}.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created" }),
  schema: [${schema}],
});
`;
}

export const FEATURES_TS = `import { Entity, FeatureView, FileSource } from "@skewless/runtime";

export const store = new Entity({ name: "store", joinKeys: ["store_id"], valueType: "Int32" });
export const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
export const city = new Entity({ name: "city", joinKeys: ["city_id"], valueType: "String" });

${view("store_stats", "store")}
${view("driver_stats", "driver")}
${view("city_stats", "city")}
${view("driver_city_stats", "driver, city")}`;

const refs = (v: string) => FEATURES.map(([f]) => `${v}:${f}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One read per view: every entity written, plus one that was never written. */
export const READS: { features: string[]; entity_rows: Record<string, string | number>[] }[] = [
  { features: refs("store_stats"), entity_rows: [...range(6).map((i) => ({ store_id: 100 + i })), { store_id: 999 }] },
  { features: refs("driver_stats"), entity_rows: [...range(6).map((i) => ({ driver_id: 2 ** 33 + i })), { driver_id: 1 }] },
  { features: refs("city_stats"), entity_rows: [...range(6).map((i) => ({ city_id: `city-${i}` })), { city_id: "nowhere" }] },
  {
    features: refs("driver_city_stats"),
    entity_rows: [...range(6).map((i) => ({ city_id: `city-${i % 2}`, driver_id: 2 ** 33 + (i % 3) })), { driver_id: 2 ** 33, city_id: "city-9" }],
  },
];
