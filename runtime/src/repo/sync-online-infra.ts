import type { RepoConfig } from "../config";
import { isEmptyInfraPlan, planInfra, recordInfra, type InfraChange, type InfraPlan } from "../online/infra";
import { openOnlineStore } from "../online/open-online-store";
import { Registry } from "../registry/registry";
import { openRegistryStore } from "../registry/stores/open-store";

/**
 * Makes the online store match the registry's feature views of `config.project`, as `apply` does
 * after writing the registry (Feast's infra diff): tables for every view (SQLite), the data of
 * views no longer there removed. For writers that change the registry one object at a time (the
 * Pulumi providers), so each write leaves the online store consistent. Idempotent.
 */
export async function syncOnlineInfra(config: RepoConfig): Promise<InfraChange[]> {
  const registry = new Registry(openRegistryStore(config.registry));
  let infra: InfraPlan | undefined;
  await registry.update((model) => {
    infra = planInfra(model, { project: config.project, changes: [] }, config);
    if (isEmptyInfraPlan(infra)) return false;
    recordInfra(model, infra);
    return true;
  });
  const online = openOnlineStore(config);
  try {
    await online.update(infra!.update);
  } finally {
    await online.close();
  }
  return infra!.changes;
}
