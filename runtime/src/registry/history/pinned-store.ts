import { createHash } from "node:crypto";
import { InvalidArgumentError, RebuildError } from "../../errors";
import type { RegistrySnapshot, RegistryStore } from "../stores/registry-store";
import type { RegistryHistory } from "./registry-history";

/**
 * A read-only registry store serving one earlier version from the registry history: what
 * `FeatureStore.open(repo, { registryVersion })` reads. Writing to the past is refused.
 */
export class PinnedRegistryStore implements RegistryStore {
  readonly location: string;

  constructor(registryLocation: string, private readonly history: RegistryHistory | undefined, readonly versionId: string) {
    this.location = `${registryLocation}@${versionId}`;
  }

  async read(): Promise<RegistrySnapshot | null> {
    if (!this.history) {
      throw new RebuildError(`registry ${this.location}: this registry keeps no history`, "local registries keep history unless registry.history.keep is 0");
    }
    const bytes = await this.history.load(this.versionId);
    if (!bytes) {
      throw new RebuildError(
        `registry version ${this.versionId} is not in the registry history ${this.history.location}`,
        "it was written before history was kept, or pruned by registry.history.keep",
      );
    }
    return { bytes, token: createHash("sha256").update(bytes).digest("hex") };
  }

  async write(): Promise<boolean> {
    throw new InvalidArgumentError(`registry ${this.location} is an earlier version, opened read-only`, "open the store without registryVersion to change the registry");
  }

  async remove(): Promise<void> {
    throw new InvalidArgumentError(`registry ${this.location} is an earlier version, opened read-only`);
  }
}
