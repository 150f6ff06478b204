import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RegistryCorruptError } from "../../runtime/src/errors";
import { decodeRegistry, encodeRegistry } from "../../runtime/src/registry/integrity";
import { RegistryModel } from "../../runtime/src/registry/model";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { encodeMessage, UNKNOWN_FIELDS } from "../../runtime/src/registry/proto/codec";
import { tempDir } from "../helpers/tmp";

function sampleRegistry(): RegistryModel {
  const model = new RegistryModel();
  model.ensureProject("p");
  for (const name of ["a", "b", "c"]) {
    model.upsert("entity", "p", { spec: { name, join_key: `${name}_id`, value_type: 4, project: "p", description: "x".repeat(40) } });
  }
  model.stamp();
  return model;
}

describe("registry integrity", () => {
  const dir = tempDir();

  it("rejects the file truncated at any byte, naming the file", () => {
    const bytes = encodeRegistry(sampleRegistry().proto);
    const location = path.join(dir, "registry.db");
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decodeRegistry(bytes.subarray(0, cut), location), `cut at ${cut}`).toThrow(RegistryCorruptError);
    }
    expect(() => decodeRegistry(bytes.subarray(0, bytes.length - 7), location)).toThrow(location);
  });

  it("rejects a file with one flipped byte", () => {
    const bytes = Buffer.from(encodeRegistry(sampleRegistry().proto));
    bytes[bytes.length - 10] ^= 0x01;
    expect(() => decodeRegistry(bytes, "r.db")).toThrow(/SHA-256 does not match/);
  });

  it("rejects empty files and garbage instead of returning an empty registry", () => {
    expect(() => decodeRegistry(new Uint8Array(0), "r.db")).toThrow(/empty \(0 bytes\)/);
    expect(() => decodeRegistry(Buffer.from("project: demo\nregistry: data/registry.db\n"), "r.db")).toThrow(RegistryCorruptError);
    expect(() => decodeRegistry(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), "r.db")).toThrow(RegistryCorruptError);
  });

  it("reads a registry without a seal (as Feast writes it) and rejects one cut inside a message", () => {
    const plain = encodeMessage("feast.core.Registry", sampleRegistry().proto);
    expect(decodeRegistry(plain, "r.db").entities?.length).toBe(3);
    expect(() => decodeRegistry(plain.subarray(0, 30), "r.db")).toThrow(RegistryCorruptError);
  });

  it("ignores and drops a stale seal that Feast moved to the end of the file", () => {
    const sealed = encodeRegistry(sampleRegistry().proto);
    const model = new RegistryModel(decodeRegistry(sealed, "r.db"));
    // What Python does on rewrite: known fields first, the seal kept as an unknown field at the end.
    const seal = sealed.subarray(0, sealed.length - encodeMessage("feast.core.Registry", model.proto).length);
    const rewritten = Buffer.concat([encodeMessage("feast.core.Registry", model.proto), seal]);
    const decoded = decodeRegistry(rewritten, "r.db");
    expect(decoded.entities?.length).toBe(3);
    expect(decoded[UNKNOWN_FIELDS] ?? []).toEqual([]);
  });

  it("surfaces corruption through Registry.load and never overwrites the damaged file", async () => {
    const file = path.join(dir, "damaged.db");
    const bytes = encodeRegistry(sampleRegistry().proto);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 1));
    const registry = new Registry(new FileRegistryStore(file));
    await expect(registry.load()).rejects.toThrow(`registry ${file} is corrupt or truncated`);
    await expect(registry.update(() => true)).rejects.toThrow(RegistryCorruptError);
    expect((await fs.readFile(file)).length).toBe(bytes.length - 1);
  });

  it("treats a missing file as an empty registry", async () => {
    const registry = new Registry(new FileRegistryStore(path.join(dir, "none", "registry.db")));
    expect((await registry.load()).projects()).toEqual([]);
  });
});
