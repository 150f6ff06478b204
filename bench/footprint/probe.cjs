"use strict";
// Run in a fresh `node` process: imports @skewless/runtime (resolved from the working directory,
// as an app would), reads online features, and prints what that cost as one JSON line.
// Usage: node probe.cjs '<json: { config, features, entityRows }>'
const started = process.hrtime.bigint();
const { FeatureStore } = require(require.resolve("@skewless/runtime", { paths: [process.cwd()] }));
const importMs = Number(process.hrtime.bigint() - started) / 1e6;
const modulesAtImport = Object.keys(require.cache).length;

function loadedPackages() {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const parts = file.slice(at + "node_modules/".length).split("/");
    names.add(parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...names].sort();
}

async function main() {
  const { config, features, entityRows } = JSON.parse(process.argv[2]);
  const store = await FeatureStore.open(config);
  const readStarted = process.hrtime.bigint();
  const response = await store.getOnlineFeatures({ features, entityRows });
  const firstReadMs = Number(process.hrtime.bigint() - readStarted) / 1e6;
  const values = response.toObject();
  await store.close();
  const files = Object.keys(require.cache);
  process.stdout.write(JSON.stringify({
    importMs, modulesAtImport, firstReadMs,
    modulesAfterRead: files.length,
    packages: loadedPackages(),
    values,
  }, (_key, value) => (typeof value === "bigint" ? `${value}n` : value)) + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
