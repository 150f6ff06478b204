import { describe, expect, it } from "vitest";
import { parseExactJson } from "../../runtime/src/server/exact-json";

describe("parseExactJson: request bodies with exact integers", () => {
  it("keeps integers beyond 2^53 exact, as bigint, and everything else as JSON.parse reads it", () => {
    const text = '{"driver_id":[4611686018427387905,-9223372036854775808,9007199254740991,1],"x":[1.5,178.0,1e400,-0],"s":"4611686018427387905"}';
    expect(parseExactJson(text)).toEqual({
      driver_id: [4611686018427387905n, -9223372036854775808n, 9007199254740991, 1],
      x: [1.5, 178, Infinity, -0],
      s: "4611686018427387905",
    });
    expect(JSON.parse(text).driver_id[0]).toBe(4611686018427387904);   // what the server used to write under
  });

  it("reads Python's NaN, Infinity and -Infinity tokens (Feast's client sends them), but not inside strings", () => {
    const parsed = parseExactJson('{"a":[NaN,Infinity,-Infinity, 2],"b":"NaN","c":"say \\"Infinity\\"","d":{"NaN":-Infinity}}') as Record<string, unknown>;
    expect(parsed.a).toEqual([Number.NaN, Infinity, -Infinity, 2]);
    expect(parsed.b).toBe("NaN");
    expect(parsed.c).toBe('say "Infinity"');
    expect(parsed.d).toEqual({ NaN: -Infinity });
  });

  it("refuses malformed text with a SyntaxError", () => {
    expect(() => parseExactJson("{not json")).toThrow(SyntaxError);
    expect(() => parseExactJson("[Nan]")).toThrow(SyntaxError);
    expect(() => parseExactJson("[1,]")).toThrow(SyntaxError);
  });
});
