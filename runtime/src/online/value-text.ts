import { ValueType } from "../definitions/dtypes";

/**
 * SQLite's `value_text` column (new in Feast 0.66): Python's `str()` of string, integer, float and
 * bool values, NULL otherwise. Feast's filters compare against it, so the text must be Python's,
 * not JavaScript's (`1.0`, not `1`; `1e+16`, not `10000000000000000`; `True`, not `true`).
 */
export function valueText(valueType: number, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (valueType) {
    case ValueType.STRING: return typeof value === "string" ? value : null;
    case ValueType.INT32: case ValueType.INT64: return String(value);
    case ValueType.DOUBLE: return typeof value === "number" ? pythonFloatRepr(value) : null;
    case ValueType.FLOAT: return typeof value === "number" ? pythonFloatRepr(Math.fround(value)) : null;
    case ValueType.BOOL: return value ? "True" : "False";
    default: return null;
  }
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return `${sign}0.0`;
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr.
  const [mantissa, exp] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const decpt = Number(exp) + 1;   // value = 0.<digits> × 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${body}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** `value_text` of a serialized Value: the oneof member (its first byte) says which type it is. */
export function valueTextOf(bytes: Uint8Array, decode: (bytes: Uint8Array) => unknown): string | null {
  if (bytes.length === 0) return null;
  const field = bytes[0] >>> 3;
  return field >= 2 && field <= 7 ? valueText(field, decode(bytes)) : null;
}
