import { main } from "../cli/main";
import type { Output } from "../cli/output";
import { SkewlessError } from "../errors";
import { FeatureStore } from "../feature-store";
import { renderTable } from "./explain";
import type { QuickstartContext, QuickstartStep } from "./quickstart";

const SERVICE = "credit_model_v1";

/**
 * Materialize the demo into its SQLite online store, read a few users back as a request would,
 * and show that training (a point-in-time lookup at the same instant) sees the same values.
 */
export const onlineStep: QuickstartStep = {
  title: "Serve features online (skewless materialize-incremental, getOnlineFeatures)",
  async run(context) {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    await cli(context, ["-C", context.repoPath, "materialize-incremental", now.toISOString().replace(".000Z", "Z")]);
    context.store ??= await FeatureStore.open(context.repoPath);
    const store = context.store;
    const entityRows = [{ user_id: 1001 }, { user_id: 1002 }, { user_id: 1003 }, { user_id: 99 }];
    const online = await store.getOnlineFeatures({ featureService: SERVICE, entityRows });
    const rows = online.toRows();
    const features = online.featureNames.filter((n) => n !== "user_id");
    const statuses = features.map((f) => online.column(f).statuses);
    context.notes.online = rows;
    context.print(`\ngetOnlineFeatures({ featureService: "${SERVICE}", entityRows }):\n`);
    context.print(renderTable(rows.map((r, i) => ({ ...r, status: summarize(statuses.map((s) => s[i])) })), ["user_id", ...features, "status"]));

    const job = await store.getHistoricalFeatures({
      entityDf: entityRows.map((r) => ({ ...r, event_timestamp: now })),
      features: { featureService: SERVICE },
    });
    try {
      const training = await job.toRows();
      const same = rows.filter((r, i) => features.every((f) => String(r[f]) === String(training[i][f]))).length;
      context.notes.onlineMatchesTraining = same === rows.length;
      context.print(`\nThe same users through getHistoricalFeatures at ${now.toISOString()}: ${same} of ${rows.length} rows identical (no training-serving skew).`);
    } finally {
      await job.close();
    }
    context.print("");
    await cli(context, ["-C", context.repoPath, "validate", "--sample", "200"]);
  },
};

function summarize(statuses: string[]): string {
  const distinct = [...new Set(statuses)];
  return distinct.length === 1 ? distinct[0] : distinct.join("/");
}

async function cli(context: QuickstartContext, argv: string[]): Promise<void> {
  const indent = (t: string) => t.split("\n").map((l) => `  ${l}`).join("\n");
  const output: Output = { out: (t) => context.print(indent(t)), err: (t) => context.print(indent(t)), isTTY: false, color: false };
  const code = await main(argv, output);
  if (code !== 0) throw new SkewlessError("QUICKSTART_FAILED", `skewless ${argv.join(" ")} exited with ${code}`);
}
