import { describe, expect, it } from "vitest";
import { RegistryCorruptError, SkewlessError } from "../../../runtime/src/errors";
import { encodeRegistry } from "../../../runtime/src/registry/integrity";
import { RegistryModel } from "../../../runtime/src/registry/model";
import { Registry } from "../../../runtime/src/registry/registry";
import type { RegistryStore } from "../../../runtime/src/registry/stores/registry-store";

/** How a backend's test file plugs into the contract. */
export interface StoreHarness {
  /**
   * A store for a registry location no other test uses. Called again with the same `name`, it
   * returns a new store instance (its own client and connections) for the same location, as a
   * second process would have.
   */
  store(name: string): RegistryStore;
  /** What `location` must be for `name` (the URI or path that errors name). */
  location(name: string): string;
}

const entity = (i: number) => ({ spec: { name: `entity_${i}`, join_key: `key_${i}`, value_type: 4, project: "p" } });

function registryBytes(entities: number): Uint8Array {
  const model = new RegistryModel();
  model.ensureProject("p");
  for (let i = 0; i < entities; i++) model.upsert("entity", "p", entity(i));
  model.stamp();
  return encodeRegistry(model.proto);
}

let counter = 0;
const fresh = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

/**
 * The behaviour every RegistryStore owes `Registry`: reads, compare-and-swap writes, removal and
 * damaged objects. Each backend's test file calls this once with its harness.
 */
export function registryStoreContract(backend: string, harness: () => StoreHarness): void {
  describe(`${backend} registry store contract`, () => {
    it("reads a registry that was never written as null", async () => {
      const name = fresh("missing");
      expect(await harness().store(name).read()).toBeNull();
      expect((await new Registry(harness().store(name)).load()).projects()).toEqual([]);
    });

    it("names its location", () => {
      const name = fresh("location");
      expect(harness().store(name).location).toBe(harness().location(name));
    });

    it("creates the registry only while it is absent, and hands back the bytes with a token", async () => {
      const name = fresh("create");
      const store = harness().store(name);
      const first = registryBytes(1);
      expect(await store.write(first, null)).toBe(true);
      const snapshot = await harness().store(name).read();
      expect(Buffer.from(snapshot!.bytes).equals(Buffer.from(first))).toBe(true);
      expect(typeof snapshot!.token).toBe("string");
      // A second creator lost the race: it must not overwrite.
      expect(await harness().store(name).write(registryBytes(2), null)).toBe(false);
      const after = await store.read();
      expect(Buffer.from(after!.bytes).equals(Buffer.from(first))).toBe(true);
      expect(after!.token).toBe(snapshot!.token);
    });

    it("refuses a write with a stale token and leaves the object unchanged", async () => {
      const name = fresh("stale");
      const store = harness().store(name);
      expect(await store.write(registryBytes(1), null)).toBe(true);
      const stale = (await store.read())!.token;
      const current = registryBytes(2);
      expect(await harness().store(name).write(current, stale)).toBe(true);
      const token = (await store.read())!.token;
      expect(token).not.toBe(stale);
      expect(await store.write(registryBytes(3), stale)).toBe(false);
      const after = await harness().store(name).read();
      expect(Buffer.from(after!.bytes).equals(Buffer.from(current))).toBe(true);
      expect(after!.token).toBe(token);
    });

    it("refuses a write whose expected registry was removed meanwhile", async () => {
      const name = fresh("removed");
      const store = harness().store(name);
      expect(await store.write(registryBytes(1), null)).toBe(true);
      const token = (await store.read())!.token;
      await harness().store(name).remove();
      expect(await store.write(registryBytes(2), token)).toBe(false);
      expect(await store.read()).toBeNull();
    });

    it("removes the registry, and removing a missing one is not an error", async () => {
      const name = fresh("remove");
      const store = harness().store(name);
      expect(await store.write(registryBytes(1), null)).toBe(true);
      await store.remove();
      expect(await store.read()).toBeNull();
      await store.remove();
      expect(await store.write(registryBytes(1), null)).toBe(true);
    });

    it("32 concurrent Registry.update writers, each upserting a different entity, lose none", async () => {
      const name = fresh("concurrent");
      await Promise.all(Array.from({ length: 32 }, (_, i) =>
        new Registry(harness().store(name)).update((model) => model.upsert("entity", "p", entity(i)))));
      const names = (await new Registry(harness().store(name)).load()).list("entity", "p").map((e) => e.spec!.name);
      expect(names.sort()).toEqual(Array.from({ length: 32 }, (_, i) => `entity_${i}`).sort());
    });

    it("reports a truncated object as RegistryCorruptError naming the location, and never overwrites it", async () => {
      const name = fresh("truncated");
      const whole = registryBytes(3);
      const truncated = whole.subarray(0, whole.length - 5);
      expect(await harness().store(name).write(truncated, null)).toBe(true);
      const registry = new Registry(harness().store(name));
      const failure = await registry.load().then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(RegistryCorruptError);
      expect((failure as Error).message).toContain(`registry ${harness().location(name)} is corrupt or truncated`);
      await expect(registry.update((model) => model.upsert("entity", "p", entity(9)))).rejects.toThrow(RegistryCorruptError);
      expect((await harness().store(name).read())!.bytes.length).toBe(truncated.length);
    });
  });
}

/** A small valid registry, sealed as Skewless writes it. */
export function sampleBytes(): Uint8Array {
  return registryBytes(0);
}

/** The SkewlessError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<SkewlessError> {
  const e = await promise.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(SkewlessError);
  return e as SkewlessError;
}
