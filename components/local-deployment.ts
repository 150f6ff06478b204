import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment, StoreSettings } from "./deployment";
import { renderFeatureStoreYaml } from "./feature-store-yaml";

export interface LocalStoreArgs {
  /** The feature repo folder; the paths below are relative to it. */
  repoPath: string;
  /** Default `data/registry.db`. */
  registryPath?: string;
  /** The SQLite online store; default `data/online.db`. */
  onlineStorePath?: string;
}

/**
 * Everything on this machine: a file registry, parquet files, SQLite. No cloud resources. The
 * registry location handed to the provider is relative to the Pulumi project folder (the working
 * directory of `pulumi up` and of the provider), so the stack's state holds no machine's home path.
 */
export function localDeployment(store: StoreSettings, args: LocalStoreArgs): Deployment {
  const registryPath = args.registryPath ?? "data/registry.db";
  const onlinePath = args.onlineStorePath ?? "data/online.db";
  const absolute = path.resolve(args.repoPath, registryPath);
  return {
    registry: pulumi.output(path.relative(process.cwd(), absolute) || absolute),
    featureStoreYaml: pulumi.output(renderFeatureStoreYaml({
      ...store, registry: registryPath, provider: "local", onlineStore: { type: "sqlite", path: onlinePath },
    })),
  };
}
