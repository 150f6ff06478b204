import { execFileSync } from "node:child_process";
import { promises as fs, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendError, InvalidArgumentError } from "../../../runtime/src/errors";
import { Registry } from "../../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../../runtime/src/registry/stores/file-store";
import { tempDir } from "../../helpers/tmp";
import { registryStoreContract } from "./contract";

const dir = tempDir();
registryStoreContract("file", () => ({
  store: (name) => new FileRegistryStore(path.join(dir, name, "registry.db")),
  location: (name) => path.join(dir, name, "registry.db"),
}));

const entity = (i: number) => ({ spec: { name: `entity_${i}`, join_key: `key_${i}`, value_type: 4, project: "p" } });

describe("file registry errors name the file", () => {
  it("a registry path that is a directory", async () => {
    const folder = path.join(dir, "a-folder");
    mkdirSync(folder);
    const store = new FileRegistryStore(folder);
    await expect(store.read()).rejects.toThrow(InvalidArgumentError);
    await expect(store.read()).rejects.toThrow(`registry ${folder} is a directory, not a file`);
    await expect(new Registry(store).update((m) => m.upsert("entity", "p", entity(1)))).rejects.toThrow(`registry ${folder} is a directory`);
  });

  // A full disk and a read-only file system, for real: a 64 KiB tmpfs, remounted read-only. This
  // needs root (mount), as the tests run here and in CI.
  describe("on a full or read-only file system", () => {
    const mountPoint = tempDir();
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]);
    afterAll(() => execFileSync("umount", [mountPoint]));
    const file = path.join(mountPoint, "registry.db");

    it("ENOSPC names the registry file, and leaves no temporary file", async () => {
      const store = new FileRegistryStore(file);
      const call = store.write(new Uint8Array(256 * 1024), null);
      await expect(call).rejects.toThrow(BackendError);
      await expect(call).rejects.toThrow(new RegExp(`registry: writing ${file} failed: ENOSPC`));
      await expect(call).rejects.toMatchObject({ hint: "the disk is full: free space, or move the registry" });
      expect((await fs.readdir(mountPoint)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });

    it("EROFS names the registry file", async () => {
      const store = new FileRegistryStore(file);
      expect(await store.write(new Uint8Array([1, 2, 3]), null)).toBe(true);
      execFileSync("mount", ["-o", "remount,ro", mountPoint]);
      try {
        const call = store.write(new Uint8Array([4, 5]), (await store.read())!.token);
        await expect(call).rejects.toThrow(new RegExp(`registry: writing ${file} failed: EROFS`));
        await expect(call).rejects.toMatchObject({ hint: "the file system is read-only: mount it read-write, or move the registry" });
        expect([...(await store.read())!.bytes]).toEqual([1, 2, 3]);
      } finally {
        execFileSync("mount", ["-o", "remount,rw", mountPoint]);
      }
    });
  });
});

describe("temporary files a killed writer left", () => {
  it("are removed by the next write; a live writer's are kept", async () => {
    const folder = path.join(dir, "leftovers");
    mkdirSync(folder);
    const file = path.join(folder, "registry.db");
    const dead = `.registry.db.${os.hostname()}.999999999.0badc0de.tmp`;   // a killed process on this host
    const live = `.registry.db.${os.hostname()}.${process.pid}.00c0ffee.tmp`;   // a writer still running
    const older = ".registry.db.12345.deadbeef.tmp";   // an older Skewless's name, from another host maybe
    const recent = ".registry.db.other-host.12345.feedface.tmp";
    for (const name of [dead, live, older, recent]) await fs.writeFile(path.join(folder, name), "partial");
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await fs.utimes(path.join(folder, older), hoursAgo, hoursAgo);
    await new Registry(new FileRegistryStore(file)).update((m) => m.upsert("entity", "p", entity(1)));
    const left = (await fs.readdir(folder)).filter((f) => f.endsWith(".tmp")).sort();
    expect(left).toEqual([live, recent].sort());
  });
});
