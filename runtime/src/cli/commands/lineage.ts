import type { Command } from "commander";
import { InvalidArgumentError } from "../../errors";
import { FeatureStore } from "../../feature-store";
import { rebuildTrainingSet } from "../../lineage/rebuild";
import { renderLineage, renderSavedDatasets } from "../../lineage/render";
import { getSavedDataset, listSavedDatasets } from "../../lineage/saved-datasets";
import { traceLineage } from "../../lineage/trace";
import type { CliContext } from "../main";
import { parseList } from "../parse-time";

export function registerLineage(program: Command, context: CliContext): void {
  const dataset = program.command("dataset").description("saved datasets (Feast's): persist a training set, list them, rebuild one");
  dataset
    .command("persist")
    .argument("<name>", "the saved dataset's name")
    .requiredOption("--entities <file>", "entity rows: a parquet file with join keys and event_timestamp (relative to the repo)")
    .requiredOption("--storage <path>", "where to write the training set (.parquet, relative to the repo)")
    .option("--features <refs>", "comma-separated view:feature references")
    .option("--feature-service <name>", "a feature service instead of --features")
    .option("--tag <key=value...>", "tags (repeatable), e.g. --tag model=credit --tag model_version=v3")
    .option("--full-feature-names", "name columns view__feature")
    .option("--allow-overwrite", "replace an existing file at --storage")
    .description("write a point-in-time training set with its manifest and record it as a Feast SavedDataset")
    .action(async (name: string, options: PersistFlags) => {
      if (Boolean(options.features) === Boolean(options.featureService)) throw new InvalidArgumentError("pass exactly one of --features and --feature-service");
      await withStore(context, async (store) => {
        const job = await store.getHistoricalFeatures({
          entityDf: { parquet: options.entities },
          features: options.featureService ? { featureService: options.featureService } : parseList(options.features)!,
          fullFeatureNames: options.fullFeatureNames,
        });
        try {
          const result = await job.persist({ name, storage: options.storage, tags: parseTags(options.tag), allowOverwrite: options.allowOverwrite });
          context.output.out(`saved dataset ${name}: ${result.rows} rows in ${result.path}\n  sha256 ${result.sha256}\n  manifest ${result.manifestPath}\n  entity rows ${result.entityRowsPath}`);
        } finally {
          await job.close();
        }
      });
    });
  dataset
    .command("list")
    .option("--json", "print JSON")
    .description("list the project's saved datasets, Feast's included")
    .action(async (options: { json?: boolean }) => {
      await withStore(context, async (store) => {
        const datasets = listSavedDatasets(await store.registry.load(), store.project);
        context.output.out(options.json ? JSON.stringify(datasets, null, 2) : renderSavedDatasets(datasets));
      });
    });
  dataset
    .command("rebuild")
    .argument("<dataset>", "a saved dataset's name, or a training parquet file written by Skewless")
    .option("--output <path>", "where to write the rebuilt set (default: <file>.rebuilt.parquet)")
    .description("rebuild a training set from its manifest (historical registry, kept entity rows) and compare it byte for byte; exit 1 if it differs")
    .action(async (target: string, options: { output?: string }) => {
      await withStore(context, async (store) => {
        const file = target.endsWith(".parquet") ? target : getSavedDataset(await store.registry.load(), store.project, target).path;
        if (!file) throw new InvalidArgumentError(`saved dataset ${target} is not stored in a parquet file`);
        const result = await rebuildTrainingSet(context.repoPath(), file, options.output ?? `${file.replace(/\.parquet$/i, "")}.rebuilt.parquet`);
        context.output.out(`rebuilt ${result.path}: ${result.rows} rows from registry version ${result.registryVersion}`);
        context.output.out(`  sha256 ${result.sha256}\n  original ${result.originalSha256}\n  ${result.identical ? "byte-identical" : "DIFFERENT"}`);
        if (!result.identical) context.setExitCode(1);
      });
    });
  program
    .command("lineage")
    .argument("<target>", "a saved dataset, a training parquet file, or a feature service")
    .option("--json", "print JSON")
    .option("--verify", "re-read every source and say which changed since (exit 1 if any did)")
    .description("print model -> feature service -> training set -> registry version -> views -> sources -> raw data versions")
    .action(async (target: string, options: { json?: boolean; verify?: boolean }) => {
      await withStore(context, async (store) => {
        const report = await traceLineage({
          repoPath: context.repoPath(), project: store.project, model: await store.registry.load(), history: store.registry.history,
        }, target, options.verify);
        context.output.out(options.json ? JSON.stringify(report, null, 2) : renderLineage(report));
        if (options.verify && !report.unchanged) context.setExitCode(1);
      });
    });
}

interface PersistFlags {
  entities: string;
  storage: string;
  features?: string;
  featureService?: string;
  tag?: string[];
  fullFeatureNames?: boolean;
  allowOverwrite?: boolean;
}

function parseTags(tags: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    const at = tag.indexOf("=");
    if (at <= 0) throw new InvalidArgumentError(`--tag ${tag} is not key=value`);
    out[tag.slice(0, at)] = tag.slice(at + 1);
  }
  return out;
}

async function withStore(context: CliContext, fn: (store: FeatureStore) => Promise<void>): Promise<void> {
  const store = await FeatureStore.open(context.repoPath());
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}
