import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment, StoreSettings } from "./deployment";
import { renderFeatureStoreYaml } from "./feature-store-yaml";
import { isUri, resolveLocal } from "./project-root";

export interface LocalStoreArgs {
  /** The feature repo folder: absolute, or relative to the Pulumi project root. */
  repoPath: string;
  /** Relative to the repo, absolute, or a URI; default `data/registry.db`. */
  registryPath?: string;
  /** The SQLite online store, relative to the repo or absolute; default `data/online.db`. */
  onlineStorePath?: string;
}

/**
 * Everything on this machine: a file registry, parquet files, SQLite. No cloud resources. The
 * providers and the exported feature_store.yaml get absolute paths, so the program, the provider
 * process and an app in any folder open the same files.
 */
export function localDeployment(store: StoreSettings, args: LocalStoreArgs): Deployment {
  const repo = resolveLocal(args.repoPath, "local.repoPath");
  const inRepo = (location: string) => (isUri(location) ? location : path.resolve(repo, location));
  const registry = inRepo(args.registryPath ?? "data/registry.db");
  const onlinePath = inRepo(args.onlineStorePath ?? "data/online.db");
  return {
    registry: pulumi.output(registry),
    reachableOnlineStore: isUri(onlinePath) ? undefined : { type: "sqlite", path: onlinePath },
    featureStoreYaml: pulumi.output(renderFeatureStoreYaml({
      ...store, registry, provider: "local", onlineStore: { type: "sqlite", path: onlinePath },
    })),
  };
}
