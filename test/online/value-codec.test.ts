import { describe, expect, it } from "vitest";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { encodeMessage } from "../../runtime/src/registry/proto/codec";
import { decodeValue, decodeValueAt, isNullValue, isNullValueAt } from "../../runtime/src/online/value-decoder";
import { packValues, unpackValues, ValueEncodingError, ValueWriter } from "../../runtime/src/online/value-encoder";
import { pythonFloatRepr, valueText, valueTextOf } from "../../runtime/src/online/value-text";

// Each case: a value type, a JS value, and the bytes Feast 0.66's Python protobuf writes for it
// (`Value(...).SerializeToString()`), plus the `value_text` Feast's SQLite store derives.
const CASES: [string, number, unknown, string, string | null][] = [
  ["Int32 -1", ValueType.INT32, -1, "18ffffffffffffffffff01", "-1"],
  ["Int32 max", ValueType.INT32, 2147483647, "18ffffffff07", "2147483647"],
  ["Int32 0", ValueType.INT32, 0, "1800", "0"],
  ["Int64 min", ValueType.INT64, -9223372036854775808n, "2080808080808080808001", "-9223372036854775808"],
  ["Int64 2^53+1", ValueType.INT64, 9007199254740993n, "208180808080808010", "9007199254740993"],
  ["Int64 0", ValueType.INT64, 0, "2000", "0"],
  ["Float64 0.1", ValueType.DOUBLE, 0.1, "299a9999999999b93f", "0.1"],
  ["Float32 0.1", ValueType.FLOAT, 0.1, "35cdcccc3d", "0.10000000149011612"],
  ["Bool true", ValueType.BOOL, true, "3801", "True"],
  ["Bool false", ValueType.BOOL, false, "3800", "False"],
  ["String", ValueType.STRING, "héllo", "120668c3a96c6c6f", "héllo"],
  ["empty String", ValueType.STRING, "", "1200", ""],
  ["Bytes", ValueType.BYTES, new Uint8Array([0, 255]), "0a0200ff", null],
  ["UnixTimestamp", ValueType.UNIX_TIMESTAMP, 1700000000, "4080e2cfaa06", null],
  ["Array(Int64)", ValueType.INT64_LIST, [1n, -1n, 300n], "720f0a0d01ffffffffffffffffff01ac02", null],
  ["empty Array(Int32)", ValueType.INT32_LIST, [], "6a00", null],
  ["Array(String)", ValueType.STRING_LIST, ["a", "bc"], "62070a01610a026263", null],
  ["Array(Float32)", ValueType.FLOAT_LIST, [0.5, -2], "82010a0a080000003f000000c0", null],
  ["Array(Float64)", ValueType.DOUBLE_LIST, [1.5], "7a0a0a08000000000000f83f", null],
  ["Array(Bool)", ValueType.BOOL_LIST, [true, false], "8a01040a020100", null],
  ["Array(Bytes)", ValueType.BYTES_LIST, [new Uint8Array([0x78]), new Uint8Array(0)], "5a050a01780a00", null],
  ["Array(UnixTimestamp)", ValueType.UNIX_TIMESTAMP_LIST, [0, 1700000000], "9201080a060080e2cfaa06", null],
];

describe("Value encoding", () => {
  const writer = new ValueWriter();
  it.each(CASES)("writes %s as Feast does", (_name, type, value, hex) => {
    expect(writer.encode(type, value).toString("hex")).toBe(hex);
  });

  it("writes null as the empty message, as Feast writes a missing value", () => {
    expect(writer.encode(ValueType.INT64, null).length).toBe(0);
    expect(writer.encode(ValueType.STRING_LIST, undefined).length).toBe(0);
  });

  it("keeps earlier values intact while later ones fill new chunks", () => {
    const long = "x".repeat(70_000);
    const first = writer.encode(ValueType.STRING, "first");
    const many = Array.from({ length: 5000 }, (_, i) => writer.encode(ValueType.INT64_LIST, [i, i * 1000, -i]));
    const big = writer.encode(ValueType.STRING, long);
    expect(decodeValue(first)).toBe("first");
    expect(decodeValue(many[4321])).toEqual([4321n, 4321000n, -4321n]);
    expect(decodeValue(big)).toBe(long);
    expect(decodeValue(writer.encode(ValueType.STRING_LIST, [long, "y"]))).toEqual([long, "y"]);
  });

  it("packs a row's values with u32 lengths, nulls as zero length", () => {
    const w = new ValueWriter();
    w.beginRow();
    w.appendField(ValueType.INT64, 308);
    w.appendField(ValueType.STRING, null);
    w.appendField(ValueType.FLOAT, 0.5);
    const packed = w.endRow();
    expect(packed.toString("hex")).toBe("0300000020b402" + "00000000" + "05000000350000003f");
    expect(unpackValues(packed).map((v) => v.toString("hex"))).toEqual(["20b402", "", "350000003f"]);
    expect(packValues(unpackValues(packed))).toEqual(packed);
    const rows = Array.from({ length: 3000 }, (_, i) => {
      w.beginRow();
      w.appendField(ValueType.STRING, "x".repeat(i % 50));
      w.appendField(ValueType.INT64_LIST, [i, -i]);
      return w.endRow();
    });
    expect(unpackValues(rows[2999]).map((v) => decodeValue(v))).toEqual(["x".repeat(2999 % 50), [2999n, -2999n]]);
    expect(unpackValues(rows[0]).map((v) => decodeValue(v))).toEqual(["", [0n, 0n]]);
  });

  it("refuses values that do not fit the declared type, instead of casting", () => {
    expect(() => writer.encode(ValueType.INT32, 2 ** 31)).toThrow(/overflows Int32/);
    expect(() => writer.encode(ValueType.INT32, 5n)).toThrow(ValueEncodingError);
    expect(() => writer.encode(ValueType.INT64, 2 ** 60)).toThrow(/already rounded/);
    expect(() => writer.encode(ValueType.INT64, 2n ** 63n)).toThrow(/overflows Int64/);
    expect(() => writer.encode(ValueType.INT64, 1.5)).toThrow(/whole number/);
    expect(() => writer.encode(ValueType.DOUBLE, "1.5")).toThrow(/floating-point/);
    expect(() => writer.encode(ValueType.INT64_LIST, [1, null])).toThrow(/null elements/);
    expect(() => writer.encode(ValueType.MAP, {})).toThrow(/cannot be written/);
  });
});

describe("Value decoding", () => {
  const decodedAs: Record<string, unknown> = {
    "Int64 min": -9223372036854775808n, "Int64 2^53+1": 9007199254740993n, "Float32 0.1": Math.fround(0.1),
    "UnixTimestamp": new Date(1700000000 * 1000), "Int64 0": 0n,
    "Array(UnixTimestamp)": [new Date(0), new Date(1700000000 * 1000)],
  };
  it.each(CASES)("reads %s back", (name, _type, value, hex) => {
    expect(decodeValue(Buffer.from(hex, "hex"))).toEqual(name in decodedAs ? decodedAs[name] : value);
  });

  it("reads a Value in the middle of a larger buffer as it reads the Value alone", () => {
    const values = CASES.map(([, , , hex]) => Buffer.from(hex, "hex"));
    const shared = Buffer.concat([Buffer.from([0xff, 0x00]), ...values, Buffer.from([0x08])]);
    let at = 2;
    for (const value of values) {
      expect(decodeValueAt(shared, at, at + value.length)).toEqual(decodeValue(value));
      expect(isNullValueAt(shared, at, at + value.length)).toBe(isNullValue(value));
      at += value.length;
    }
    const sentinel = Buffer.from("ff4080808080808080808001ff", "hex");
    expect(isNullValueAt(sentinel, 1, 12)).toBe(true);
    expect(isNullValueAt(sentinel, 1, 13)).toBe(false);
    // a broken Value names its own bytes, not its neighbours'
    const broken = Buffer.from("1800" + "29000000" + "1801", "hex");
    expect(() => decodeValueAt(broken, 2, 6)).toThrow(/online value 29000000 is not a valid/);
  });

  it("returns Int64 as bigint throughout by default, small values included (one type per column)", () => {
    expect(decodeValue(Buffer.from("2000", "hex"))).toBe(0n);
    expect(decodeValue(Buffer.from("720f0a0d01ffffffffffffffffff01ac02", "hex"))).toEqual([1n, -1n, 300n]);
  });

  it("in number mode, gives exact numbers up to the edges of the safe range and leaves the rest as bigint for the caller to refuse", () => {
    const w = new ValueWriter();
    for (const n of [2 ** 53 - 1, -(2 ** 53) + 1, -1, -(2 ** 32), 2 ** 32]) expect(decodeValue(w.encode(ValueType.INT64, n), { int64: "number" })).toBe(n);
    expect(decodeValue(w.encode(ValueType.INT64, -(2n ** 53n)), { int64: "number" })).toBe(-(2n ** 53n));
    expect(decodeValue(Buffer.from("720f0a0d01ffffffffffffffffff01ac02", "hex"), { int64: "number" })).toEqual([1, -1, 300]);
  });

  it("reads null, null_val and Values Feast stores that views cannot declare", () => {
    expect(decodeValue(new Uint8Array(0))).toBeNull();
    expect(decodeValue(Buffer.from("980100", "hex"))).toBeNull();
    expect(isNullValue(Buffer.from("980100", "hex"))).toBe(true);
    expect(isNullValue(Buffer.from("1800", "hex"))).toBe(false);
    const map = encodeMessage("feast.types.Value", { map_val: { val: { a: { int64_val: 1n }, b: { string_list_val: { val: ["x"] } } } } });
    expect(decodeValue(map)).toEqual({ a: 1n, b: ["x"] });
    expect(decodeValue(map, { int64: "number" })).toEqual({ a: 1, b: ["x"] });
    const json = encodeMessage("feast.types.Value", { json_val: '{"a":[1]}' });
    expect(decodeValue(json)).toBe('{"a":[1]}');
  });

  it("reads Feast's null timestamp (-2^63 seconds, what its materialization writes for NaT) as null", () => {
    const sentinel = Buffer.from("4080808080808080808001", "hex");
    expect(decodeValue(sentinel)).toBeNull();
    expect(isNullValue(sentinel)).toBe(true);
    expect(decodeValue(Buffer.from("92010d0a0b0080808080808080808001", "hex"))).toEqual([new Date(0), null]);
  });

  it("rejects bytes that are not a Value", () => {
    expect(() => decodeValue(Buffer.from("18", "hex"))).toThrow(/not a valid feast.types.Value/);
  });
});

describe("value_text", () => {
  it.each(CASES)("derives %s's text as Feast's extract_text_and_num", (_name, type, value, hex, text) => {
    expect(valueText(type, value)).toBe(text);
    const bytes = Buffer.from(hex, "hex");
    expect(valueTextOf(bytes, decodeValue)).toBe(text);
  });

  it("formats floats as Python's repr", () => {
    const python: [number, string][] = [
      [0.1, "0.1"], [1, "1.0"], [1e16, "1e+16"], [1e15, "1000000000000000.0"], [1e-5, "1e-05"], [0.0001, "0.0001"],
      [-0, "-0.0"], [123456789.123, "123456789.123"], [1.5e300, "1.5e+300"], [5e-324, "5e-324"], [NaN, "nan"],
      [Infinity, "inf"], [Math.fround(1e20), "1.0000000200408773e+20"], [Math.fround(3.4e38), "3.3999999521443642e+38"],
    ];
    for (const [x, text] of python) expect(pythonFloatRepr(x)).toBe(text);
  });
});
