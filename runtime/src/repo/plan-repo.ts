import type { RepoConfig } from "../config";
import { isEmptyInfraPlan, planInfra, recordInfra, type InfraPlan } from "../online/infra";
import type { OnlineStore } from "../online/online-store";
import { applyPlan, objectManager } from "../registry/apply";
import { compileDefinitions, type Definitions } from "../registry/compile";
import { planRegistry, type RegistryPlan } from "../registry/diff";
import type { RegistryModel } from "../registry/model";
import type { Registry } from "../registry/registry";

/** The manager tag `skewless apply` writes, and the only objects it deletes. */
const CLI_MANAGER = "skewless";

/**
 * The plan that makes the registry match the repo's definitions: creates and updates for every
 * definition, deletes for objects this CLI wrote earlier that the repo no longer defines. Objects
 * written by Feast or Pulumi are never deleted by the CLI.
 */
export function planDefinitions(model: RegistryModel, definitions: Definitions, config: RepoConfig): RegistryPlan {
  const desired = compileDefinitions(definitions, config.project, model);
  return planRegistry(model, desired, config.project, {
    shouldDelete: (kind, proto) => objectManager(kind, proto) === CLI_MANAGER,
  });
}

/** A registry plan plus what it means for the online store (Feast's infra diff). */
export interface RepoPlan extends RegistryPlan {
  infra: InfraPlan;
}

/** The registry plan and its infra plan against `model`. */
export function planRepoChanges(model: RegistryModel, definitions: Definitions, config: RepoConfig): RepoPlan {
  const plan = planDefinitions(model, definitions, config);
  return { ...plan, infra: planInfra(model, plan, config) };
}

/** Loads the registry and plans, without writing. */
export async function planRepo(registry: Registry, definitions: Definitions, config: RepoConfig): Promise<RepoPlan> {
  return planRepoChanges(await registry.load(), definitions, config);
}

/**
 * Plans and writes in one compare-and-swap: if another writer got in first, the plan is made
 * again against what they wrote. Returns the plan that was applied; an empty plan writes nothing.
 * With an online store, its tables are created (idempotently, for every view) and removed views'
 * data deleted once the registry is written, as Feast updates infra after the registry.
 */
export async function applyRepo(registry: Registry, definitions: Definitions, config: RepoConfig, online?: OnlineStore): Promise<RepoPlan> {
  let applied: RepoPlan | undefined;
  await registry.update((model) => {
    const plan = planRepoChanges(model, definitions, config);
    applied = plan;
    const hasProject = model.proto.projects?.some((p) => p.spec?.name === config.project);
    if (plan.changes.length === 0 && isEmptyInfraPlan(plan.infra) && hasProject) return false;
    applyPlan(model, plan, CLI_MANAGER);
    recordInfra(model, plan.infra);
    return true;
  });
  if (online) await online.update(applied!.infra.update);
  return applied!;
}
