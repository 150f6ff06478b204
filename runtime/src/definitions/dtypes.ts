/** Feast's `ValueType.Enum` numbers (also the `Value` oneof field numbers). */
export const ValueType = {
  INVALID: 0, BYTES: 1, STRING: 2, INT32: 3, INT64: 4, DOUBLE: 5, FLOAT: 6, BOOL: 7, UNIX_TIMESTAMP: 8,
  BYTES_LIST: 11, STRING_LIST: 12, INT32_LIST: 13, INT64_LIST: 14, DOUBLE_LIST: 15, FLOAT_LIST: 16,
  BOOL_LIST: 17, UNIX_TIMESTAMP_LIST: 18, NULL: 19, MAP: 20, MAP_LIST: 21,
  BYTES_SET: 22, STRING_SET: 23, INT32_SET: 24, INT64_SET: 25, DOUBLE_SET: 26, FLOAT_SET: 27,
  BOOL_SET: 28, UNIX_TIMESTAMP_SET: 29, JSON: 32, JSON_LIST: 33, STRUCT: 34, STRUCT_LIST: 35,
  UUID: 36, TIME_UUID: 37, UUID_LIST: 38, TIME_UUID_LIST: 39, UUID_SET: 40, TIME_UUID_SET: 41,
  VALUE_LIST: 42, VALUE_SET: 43, DECIMAL: 44, DECIMAL_LIST: 45, DECIMAL_SET: 46, SCALAR_MAP: 47,
  ZONED_TIMESTAMP: 48,
} as const;
export type ValueTypeNumber = (typeof ValueType)[keyof typeof ValueType];

/** The scalar dtypes a Skewless definition can declare (Feast's `feast.types` names). */
export const SCALAR_DTYPES = ["Int32", "Int64", "Float32", "Float64", "String", "Bool", "Bytes", "UnixTimestamp"] as const;
export type ScalarDtype = (typeof SCALAR_DTYPES)[number];
/** A feature or join key type: a scalar dtype or `Array(<scalar>)`. */
export type Dtype = ScalarDtype | `Array(${ScalarDtype})`;

/** `arrayOf("Int64")` is `"Array(Int64)"`, Feast's `Array(Int64)`. */
export function arrayOf<T extends ScalarDtype>(element: T): `Array(${T})` {
  return `Array(${element})`;
}

/** Typed dtype constants, for those who prefer `dtypes.Int64` to the string `"Int64"`. */
export const dtypes = {
  Int32: "Int32", Int64: "Int64", Float32: "Float32", Float64: "Float64",
  String: "String", Bool: "Bool", Bytes: "Bytes", UnixTimestamp: "UnixTimestamp",
  arrayOf,
} as const;

const SCALAR_VALUE_TYPES: Record<ScalarDtype, ValueTypeNumber> = {
  Bytes: ValueType.BYTES, String: ValueType.STRING, Int32: ValueType.INT32, Int64: ValueType.INT64,
  Float64: ValueType.DOUBLE, Float32: ValueType.FLOAT, Bool: ValueType.BOOL, UnixTimestamp: ValueType.UNIX_TIMESTAMP,
};
/** Feast's `_LIST` value types sit 10 above their scalars. */
const LIST_OFFSET = 10;

const ARRAY_PATTERN = /^Array\((\w+)\)$/;

/** True for the dtype strings Skewless accepts. */
export function isDtype(value: unknown): value is Dtype {
  if (typeof value !== "string") return false;
  const inner = ARRAY_PATTERN.exec(value)?.[1] ?? value;
  return (SCALAR_DTYPES as readonly string[]).includes(inner);
}

/** The Feast value type of a dtype; undefined for strings that are not dtypes. */
export function dtypeToValueType(dtype: string): ValueTypeNumber | undefined {
  const array = ARRAY_PATTERN.exec(dtype);
  const scalar = (array ? array[1] : dtype) as ScalarDtype;
  const base = SCALAR_VALUE_TYPES[scalar];
  if (base === undefined || !(SCALAR_DTYPES as readonly string[]).includes(scalar)) return undefined;
  return (array ? base + LIST_OFFSET : base) as ValueTypeNumber;
}

/** The dtype of a Feast value type; undefined for types Skewless definitions cannot declare. */
export function valueTypeToDtype(valueType: number): Dtype | undefined {
  for (const [dtype, vt] of Object.entries(SCALAR_VALUE_TYPES) as [ScalarDtype, number][]) {
    if (vt === valueType) return dtype;
    if (vt + LIST_OFFSET === valueType) return `Array(${dtype})`;
  }
  return undefined;
}

const VALUE_TYPE_NAMES = new Map<number, string>(Object.entries(ValueType).map(([k, v]) => [v, k]));

/** A readable name for any value type: the dtype where there is one, else Feast's enum name. */
export function describeValueType(valueType: number | undefined): string {
  const vt = valueType ?? 0;
  return valueTypeToDtype(vt) ?? VALUE_TYPE_NAMES.get(vt) ?? `ValueType(${vt})`;
}

/** The element value type of a list type (INT64_LIST → INT64), or undefined for scalars. */
export function listElementType(valueType: number): ValueTypeNumber | undefined {
  if (valueType >= ValueType.BYTES_LIST && valueType <= ValueType.UNIX_TIMESTAMP_LIST) {
    return (valueType - LIST_OFFSET) as ValueTypeNumber;
  }
  return undefined;
}
