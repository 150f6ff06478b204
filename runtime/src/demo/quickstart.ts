import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../cli/main";
import type { Output } from "../cli/output";
import { SkewlessError } from "../errors";
import { FeatureStore } from "../feature-store";
import { explainTrainingSet, renderTable } from "./explain";
import { onlineStep } from "./quickstart-online";

/** What the steps share: the repo, where to print, and what earlier steps left for later ones. */
export interface QuickstartContext {
  repoPath: string;
  print(line?: string): void;
  /** Opened by the first step that needs it; closed by runQuickstart. */
  store?: FeatureStore;
  /** Values a step hands to later steps (e.g. the entity rows), by name. */
  notes: Record<string, unknown>;
}

/** One step of the quickstart. Later features append steps (materialize, online reads). */
export interface QuickstartStep {
  title: string;
  run(context: QuickstartContext): Promise<void>;
}

const HOUR = 3_600_000;

/** `skewless init`: a credit-scoring repo with generated hourly history. */
export const initStep: QuickstartStep = {
  title: "Create a feature repo (skewless init)",
  run: (context) => cli(context, ["init", context.repoPath]),
};

/** `skewless apply`: write the definitions to the registry. */
export const applyStep: QuickstartStep = {
  title: "Register its definitions (skewless apply)",
  run: (context) => cli(context, ["-C", context.repoPath, "apply"]),
};

/** A point-in-time correct training set for a few entity rows, each value explained. */
export const trainingSetStep: QuickstartStep = {
  title: "Build a point-in-time correct training set (getHistoricalFeatures)",
  async run(context) {
    const store = await openStore(context);
    const lastHour = await lastEventTime(store, "user_transactions");
    const at = (hoursFromLast: number) => new Date(lastHour.getTime() + hoursFromLast * HOUR);
    const entityDf = [
      { user_id: 1001, event_timestamp: at(-2.5), note: "mid-history" },
      { user_id: 1002, event_timestamp: at(-2.5), note: "another user, same time" },
      { user_id: 1001, event_timestamp: at(-2.5), note: "a duplicate row: kept" },
      { user_id: 1003, event_timestamp: at(36), note: "36h after the last data" },
      { user_id: 1004, event_timestamp: at(-24 * 30), note: "before any history" },
    ];
    context.notes.entityDf = entityDf;
    const job = await store.getHistoricalFeatures({ entityDf, features: { featureService: "credit_model_v1" }, includeSourceTimestamps: true });
    try {
      const rows = await job.toRows();
      context.notes.trainingSet = rows;
      const catalog = await store.catalog();
      const views = catalog.featureService("credit_model_v1").projections.map((p) => catalog.featureView(p.viewName));
      const featureColumns = job.columns.filter((c) => !c.includes("__") && !(c in entityDf[0]));
      context.print(`Entity rows asked about (feature service credit_model_v1; history ends ${lastHour.toISOString()}):\n`);
      context.print(renderTable(rows, ["user_id", "event_timestamp", ...featureColumns]));
      context.print("\nWhy each value (the latest source row at or before the entity time, within the view's ttl):\n");
      for (const line of explainTrainingSet(rows, views)) context.print(line);
      const file = path.join(context.repoPath, "data", "training_set.parquet");
      const written = await job.toParquet(file);
      context.print(`\nWrote ${written.rows} rows to ${file} (job.toParquet).`);
    } finally {
      await job.close();
    }
  },
};

/** The steps in order; later issues append theirs. */
export const quickstartSteps: QuickstartStep[] = [initStep, applyStep, trainingSetStep, onlineStep];

/**
 * Runs the quickstart into `dir` (default: a fresh temporary folder) and prints every step.
 *
 * @example
 * await runQuickstart({ print: console.log });
 */
export async function runQuickstart(options: { dir?: string; print?: (line: string) => void; steps?: QuickstartStep[] } = {}): Promise<QuickstartContext> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const repoPath = path.resolve(options.dir ?? path.join(mkdtempSync(path.join(os.tmpdir(), "skewless-quickstart-")), "credit_scoring"));
  const context: QuickstartContext = { repoPath, print: (line = "") => print(line), notes: {} };
  const steps = options.steps ?? quickstartSteps;
  try {
    for (const [i, step] of steps.entries()) {
      print(`\n== ${i + 1}/${steps.length} ${step.title}\n`);
      await step.run(context);
    }
  } finally {
    await context.store?.close();
    context.store = undefined;
  }
  return context;
}

async function openStore(context: QuickstartContext): Promise<FeatureStore> {
  context.store ??= await FeatureStore.open(context.repoPath);
  return context.store;
}

/** Runs a `skewless` command in-process with its output indented under the step. */
async function cli(context: QuickstartContext, argv: string[]): Promise<void> {
  const output: Output = { out: (t) => context.print(indent(t)), err: (t) => context.print(indent(t)), isTTY: false, color: false };
  const code = await main(argv, output);
  if (code !== 0) throw new SkewlessError("QUICKSTART_FAILED", `skewless ${argv.join(" ")} exited with ${code}`);
}

function indent(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}

/** The newest event timestamp in a view's source (via the materialization read: latest row per key). */
async function lastEventTime(store: FeatureStore, viewName: string): Promise<Date> {
  const view = (await store.catalog()).featureView(viewName);
  let last = 0;
  for await (const batch of store.offlineStore().pullLatest(view, new Date(0), new Date("9999-12-31T00:00:00Z"))) {
    for (const ts of batch.eventTimestamps) last = Math.max(last, ts.getTime());
  }
  return new Date(last);
}
