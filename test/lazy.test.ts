import { describe, expect, it } from "vitest";
import { Lazy } from "../runtime/src/lazy";

describe("Lazy", () => {
  it("makes the resource once for every caller, tries again after a failure, and hands it over to close", async () => {
    let made = 0;
    let fail = true;
    const lazy = new Lazy(async () => {
      made++;
      if (fail) throw new Error("refused");
      return { id: made };
    });
    await expect(lazy.get()).rejects.toThrow("refused");
    fail = false;
    const [a, b] = await Promise.all([lazy.get(), lazy.get()]);
    expect(a).toBe(b);
    expect(made).toBe(2);
    expect(await lazy.take()).toBe(a);
    expect(lazy.take()).toBeUndefined();
    expect(await lazy.get()).not.toBe(a);
    expect(made).toBe(3);
  });
});
