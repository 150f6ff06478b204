import { describe, expect, it } from "vitest";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { InvalidArgumentError } from "../../runtime/src/errors";
import {
  deserializeEntityKey, EntityKeyEncoder, entityKeyPrefix, serializeEntityKey,
} from "../../runtime/src/online/entity-key";

const hex = (b: Buffer) => b.toString("hex");
const driver = [{ name: "driver_id", valueType: ValueType.INT64 }];

// Expected bytes: Feast 0.66's docs example (driver_id 1001), and its serialize_entity_key for the other cases.
describe("entity keys", () => {
  it("serializes v3 and v2 exactly as Feast's documented example", () => {
    expect(hex(serializeEntityKey(driver, [1001n], 3))).toBe("010000000200000009000000" + "6472697665725f6964" + "04000000" + "08000000" + "e903000000000000");
    expect(hex(serializeEntityKey(driver, [1001], 2))).toBe("02000000" + "6472697665725f6964" + "04000000" + "08000000" + "e903000000000000");
  });

  it("sorts join keys with their values, as Python sorts (key, value) pairs", () => {
    const columns = [{ name: "b_key", valueType: ValueType.STRING }, { name: "a_key", valueType: ValueType.INT32 }];
    expect(hex(serializeEntityKey(columns, ["x", 7], 3))).toBe(
      "020000000200000005000000615f6b65790200000005000000625f6b6579030000000400000007000000020000000100000078",
    );
    expect(hex(serializeEntityKey(columns, ["x", 7], 2))).toBe(
      "02000000615f6b657902000000625f6b6579030000000400000007000000020000000100000078",
    );
  });

  it("orders non-ASCII key names by code point and counts their length in bytes", () => {
    const columns = [{ name: "é", valueType: ValueType.BYTES }, { name: "z", valueType: ValueType.INT64 }];
    expect(hex(serializeEntityKey(columns, [new Uint8Array([1]), -2n], 3))).toBe(
      "0200000002000000010000007a0200000002000000c3a90400000008000000feffffffffffffff010000000100000001",
    );
  });

  it("writes UnixTimestamp keys as 8-byte epoch seconds", () => {
    const ts = [{ name: "ts", valueType: ValueType.UNIX_TIMESTAMP }];
    expect(hex(serializeEntityKey(ts, [-5], 3))).toBe("01000000020000000200000074730800000008000000fbffffffffffffff");
    expect(serializeEntityKey(ts, [new Date(1_700_000_000_999)], 3)).toEqual(serializeEntityKey(ts, [1_700_000_000n], 3));
  });

  it("gives the same key for a number and a bigint, and different keys for Int32 and Int64", () => {
    const keys = new EntityKeyEncoder(driver, 3);
    expect(keys.encode([42])).toEqual(keys.encode([42n]));
    expect(keys.encode([42])).not.toEqual(new EntityKeyEncoder([{ name: "driver_id", valueType: ValueType.INT32 }], 3).encode([42]));
  });

  it("rejects values that do not fit the join key's type, naming the key", () => {
    const int32 = new EntityKeyEncoder([{ name: "store_id", valueType: ValueType.INT32 }], 3);
    expect(() => int32.encode([2 ** 31])).toThrow(/join key store_id \(Int32\) got 2147483648/);
    expect(() => new EntityKeyEncoder(driver, 3).encode(["1001a"])).toThrow(InvalidArgumentError);
    expect(new EntityKeyEncoder(driver, 3).encode(["1001"])).toEqual(new EntityKeyEncoder(driver, 3).encode([1001]));   // Feast converts it
    expect(int32.encode([" 7 "])).toEqual(int32.encode([7]));
    expect(() => new EntityKeyEncoder(driver, 3).encode([2 ** 53])).toThrow(/driver_id/);
    expect(() => new EntityKeyEncoder(driver, 3).encode([1.5])).toThrow(/driver_id/);
    expect(() => new EntityKeyEncoder([{ name: "flag", valueType: ValueType.BOOL }], 3)).toThrow(/cannot be part of an entity key/);
  });

  it("reads v3 keys back", () => {
    const columns = [{ name: "user", valueType: ValueType.STRING }, { name: "shop", valueType: ValueType.INT32 }];
    expect(deserializeEntityKey(serializeEntityKey(columns, ["ü", -3], 3))).toEqual({
      joinKeys: ["shop", "user"], valueTypes: [ValueType.INT32, ValueType.STRING], values: [-3, "ü"],
    });
    expect(() => deserializeEntityKey(Buffer.from("0100000002", "hex"))).toThrow(/truncated/);
  });

  it("builds the scan prefix Feast's Redis deletion uses", () => {
    expect(hex(entityKeyPrefix(["driver_id"], 3))).toBe("010000000200000009000000" + "6472697665725f6964");
    expect(hex(entityKeyPrefix(["b", "a"], 2))).toBe("02000000" + "61" + "02000000" + "62");
  });
});
