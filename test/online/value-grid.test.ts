import { describe, expect, it } from "vitest";
import { featureSlots, ValueGrid } from "../../runtime/src/online/value-grid";

describe("ValueGrid", () => {
  it("holds per row and feature a slice of the row's buffer, or nothing", () => {
    const grid = new ValueGrid(3, 2);
    const a = Buffer.from("0102030405", "hex");
    grid.setBuffer(0, a);
    grid.set(0, 1, 1, 3);
    grid.set(0, 0, 3, 3);   // an empty value is present, not absent
    expect(grid.toArrays().map((r) => r.map((v) => v && Buffer.from(v).toString("hex")))).toEqual([["", "0203"], [undefined, undefined], [undefined, undefined]]);
    expect([grid.has(0, 0), grid.has(0, 1), grid.has(1, 0)]).toEqual([true, true, false]);
    expect([grid.buffer(0), grid.start(0, 1), grid.end(0, 1)]).toEqual([a, 1, 3]);
  });

  it("copies a row (a repeated entity) without touching the others", () => {
    const grid = new ValueGrid(3, 2);
    const b = Buffer.from("aabbcc", "hex");
    grid.setBuffer(1, b);
    grid.set(1, 0, 0, 1);
    grid.copyRow(1, 2);
    grid.set(1, 1, 1, 3);
    expect(grid.row(2).map((v) => v && Buffer.from(v).toString("hex"))).toEqual(["aa", undefined]);
    expect(grid.row(1).map((v) => v && Buffer.from(v).toString("hex"))).toEqual(["aa", "bbcc"]);
    expect(grid.row(0)).toEqual([undefined, undefined]);
  });
});

describe("featureSlots", () => {
  it("keeps each name's first position and lists the repeats to copy", () => {
    const { first, repeats } = featureSlots(["a", "b", "a", "c", "b", "a"]);
    expect([...first]).toEqual([["a", 0], ["b", 1], ["c", 3]]);
    expect(repeats).toEqual([[2, 0], [4, 1], [5, 0]]);
  });
});
