import { describe, expect, it } from "vitest";
import { murmur3, murmur3Field } from "../../runtime/src/online/murmur3";

// Vectors from Feast's online store format notes and from Feast 0.66's `_mmh3` (Python mmh3), run for these inputs.
describe("murmur3", () => {
  it("matches Feast's hash-field bytes for feature references", () => {
    expect(murmur3Field("foo").toString("hex")).toBe("20c4a5f6");
    expect(murmur3Field("driver_hourly_stats:conv_rate").toString("hex")).toBe("6160e3da");
  });

  it("hashes the empty string and multi-byte UTF-8 (every tail length) like mmh3", () => {
    expect(murmur3Field("").toString("hex")).toBe("00000000");
    expect(murmur3Field("héllo✓😀").toString("hex")).toBe("f258cb71");
    expect(murmur3("foo")).toBe(0xf6a5c420);
  });

  it("hashes bytes and strings alike", () => {
    expect(murmur3(Buffer.from("driver_hourly_stats:conv_rate"))).toBe(murmur3("driver_hourly_stats:conv_rate"));
  });
});
