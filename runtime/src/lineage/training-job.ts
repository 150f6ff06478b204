import { existsSync, promises as fs } from "node:fs";
import * as path from "node:path";
import type { Table } from "apache-arrow";
import type { RepoConfig } from "../config";
import { InvalidArgumentError, SavedDatasetExistsError } from "../errors";
import { rowsWithInt64Numbers } from "../int64-values";
import type { Int64Mode } from "../online/value-decoder";
import type {
  HistoricalRetrievalJob, ParquetWriteOptions, ParquetWriteResult, PersistOptions, PersistResult, RetrievalJob,
} from "../offline/retrieval-job";
import type { RequestedView } from "../registry/feature-refs";
import type { RegistryModel } from "../registry/model";
import type { Registry } from "../registry/registry";
import { buildManifest, companionFiles, fileSha256, MANIFEST_KEY, readSources, type ManifestSidecar, type TrainingManifest } from "./manifest";
import type { OpenLineageEmitter } from "./openlineage/emitter";
import type { LineageDataset } from "./openlineage/events";
import { applySavedDataset } from "./saved-datasets";

/** What a historical retrieval was asked, and the registry it was resolved against. */
export interface TrainingContext {
  config: RepoConfig;
  registry: Registry;
  model: RegistryModel;
  /** registry.db's bytes as read (hashed into the manifest). */
  registryBytes: Uint8Array;
  request: TrainingManifest["request"];
  views: readonly RequestedView[];
  skewlessVersion: string;
  emitter?: OpenLineageEmitter;
  /** How `toRows` gives Int64 values: bigint (the offline store's own, default) or checked numbers. */
  int64?: Int64Mode;
}

export interface TrainingParquetOptions extends ParquetWriteOptions {
  /** Rebuilds: write this manifest instead of a new one (it was checked against the inputs). */
  manifest?: TrainingManifest;
  /** Further OpenLineage outputs (a saved dataset). */
  lineageOutputs?: LineageDataset[];
}

export interface TrainingParquetResult extends ParquetWriteResult {
  manifest?: ManifestSidecar;
}

/**
 * The retrieval job `FeatureStore.getHistoricalFeatures` returns: the offline store's job, plus a
 * lineage manifest with every training set written, saved datasets, and OpenLineage run events.
 */
export class TrainingJob implements HistoricalRetrievalJob {
  constructor(private readonly inner: RetrievalJob, private readonly context: TrainingContext) {}

  get columns(): readonly string[] {
    return this.inner.columns;
  }

  get sql(): string {
    return this.inner.sql;
  }

  get entity() {
    return this.inner.entity;
  }

  toRows(): Promise<Record<string, unknown>[]> {
    if (this.context.int64 !== "number") return this.traced(() => this.inner.toRows(), () => []);
    return this.traced(async () => rowsWithInt64Numbers(await this.inner.toRows()), () => []);
  }

  toArrow(): Promise<Table> {
    return this.traced(() => this.inner.toArrow(), () => []);
  }

  entityRowsToParquet(target: string): Promise<ParquetWriteResult> {
    return this.inner.entityRowsToParquet(target);
  }

  /**
   * Writes the training set with its manifest in the parquet footer (`skewless.manifest`), the same
   * manifest plus the file's SHA-256 in `<file>.manifest.json`, and the entity rows in
   * `<file>.entities.parquet` (so the set can be rebuilt). `{ lineage: false }` writes the parquet alone.
   */
  async toParquet(target: string, options: TrainingParquetOptions = {}): Promise<ParquetWriteResult> {
    const { path: file, rows } = await this.writeTrainingSet(target, options);
    return { path: file, rows };
  }

  /** `toParquet`, returning the manifest sidecar too (persist and rebuild need it). */
  async writeTrainingSet(target: string, options: TrainingParquetOptions = {}): Promise<TrainingParquetResult> {
    if (typeof target !== "string" || target.length === 0) throw new InvalidArgumentError("toParquet needs a file path");
    const file = path.resolve(target);
    if (options.lineage === false) return this.traced(() => this.inner.toParquet(file, options), () => []);
    const companions = companionFiles(file);
    const { context } = this;
    const sources = options.manifest?.sources ?? await readSources(context.views, context.config.repoPath);
    const inputs = context.emitter ? sources.map((s) => context.emitter!.events.source(s.name, s.version.uri, s.version)) : [];
    const write = async () => {
      const manifest = options.manifest ?? await this.buildManifest(companions.entityRows, sources);
      const metadata = { ...(options.metadata ?? {}), [MANIFEST_KEY]: JSON.stringify(manifest) };
      const written = await this.inner.toParquet(file, { metadata });
      return { manifest, written, sha256: await fileSha256(file) };
    };
    const { manifest, written, sha256 } = context.emitter
      ? await context.emitter.run({
        job: `get_historical_features_${context.config.project}`, jobType: "HISTORICAL_RETRIEVAL", inputs,
        outputs: (r) => [context.emitter!.events.file(path.basename(file), file, r.sha256), ...(options.lineageOutputs ?? [])],
      }, write)
      : await write();
    const sidecar: ManifestSidecar = { ...manifest, output: { file: path.basename(file), sha256, rows: written.rows } };
    await writeJson(companions.manifest, sidecar);
    return { ...written, manifest: sidecar };
  }

  /**
   * Feast's `create_saved_dataset`: writes the training set (with its manifest) to the storage path
   * and records a `SavedDataset` in the registry, as Feast writes it, so Feast lists and reads it.
   */
  async persist(options: PersistOptions): Promise<PersistResult> {
    const { name } = options;
    if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new InvalidArgumentError(`saved dataset name ${JSON.stringify(name)} is invalid`, "use letters, digits, _ . and -");
    }
    const storagePath = typeof options.storage === "string" ? options.storage : options.storage?.path;
    if (typeof storagePath !== "string" || !/\.parquet$/i.test(storagePath)) {
      throw new InvalidArgumentError(`saved dataset ${name}: storage must be a .parquet path, got ${JSON.stringify(storagePath)}`);
    }
    const file = path.resolve(this.context.config.repoPath, storagePath);
    if (!options.allowOverwrite && existsSync(file)) throw new SavedDatasetExistsError(file);
    const { context } = this;
    const savedOutput = context.emitter && [{ namespace: context.emitter.events.namespace, name }];
    const written = await this.writeTrainingSet(file, { lineageOutputs: savedOutput });
    const viewKeys = new Set(context.views.flatMap((v) => Object.values(v.entityColumns)));
    await context.registry.update((model) => applySavedDataset(model, context.config.project, {
      name,
      features: context.request.features,
      joinKeys: this.entity.columns.filter((c) => viewKeys.has(c)),
      fullFeatureNames: context.request.fullFeatureNames,
      path: storagePath,
      tags: options.tags,
      featureService: context.request.featureService,
      description: options.description,
      minEventTimestamp: this.entity.timeRange?.min,
      maxEventTimestamp: this.entity.timeRange?.max,
    }));
    const companions = companionFiles(file);
    return {
      name, path: file, rows: written.rows, sha256: written.manifest!.output.sha256,
      manifestPath: companions.manifest, entityRowsPath: companions.entityRows,
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Keeps the entity rows beside the training set: a byte copy of the parquet file they came from
   * (cheap; reading it again loads the same rows), else the loaded rows written as parquet.
   */
  private async keepEntityRows(target: string): Promise<{ rows: number }> {
    const source = this.entity.file;
    if (source && path.resolve(source) !== path.resolve(target)) {
      await fs.copyFile(source, `${target}.partial`);
      await fs.rename(`${target}.partial`, target);
      return { rows: this.entity.rows ?? 0 };
    }
    return this.inner.entityRowsToParquet(target);
  }

  /** Keeps the entity rows beside the training set and describes everything the set is built from. */
  private async buildManifest(entityFile: string, sources: TrainingManifest["sources"]): Promise<TrainingManifest> {
    const { context } = this;
    const entity = await this.keepEntityRows(entityFile);
    const versionId = context.model.proto.version_id;
    // Feast (or a hand edit) may have written this version: keep it so the manifest can be replayed.
    if (versionId) await context.registry.history?.record(versionId, context.registryBytes);
    return buildManifest({
      skewlessVersion: context.skewlessVersion,
      project: context.config.project,
      repoPath: context.config.repoPath,
      request: context.request,
      model: context.model,
      registryBytes: context.registryBytes,
      registryLocation: context.registry.location,
      historyLocation: context.registry.history?.location,
      views: context.views,
      sources,
      entityRows: { file: path.basename(entityFile), sha256: await fileSha256(entityFile), rows: entity.rows, columns: [...this.entity.columns] },
      timeRange: this.entity.timeRange,
      columns: this.columns,
    });
  }

  /** Runs a retrieval that writes no file, inside an OpenLineage run when events are on. */
  private traced<T>(work: () => Promise<T>, outputs: (r: T) => LineageDataset[]): Promise<T> {
    const emitter = this.context.emitter;
    if (!emitter) return work();
    const inputs = this.context.views.map((v) => emitter.events.featureView(v.view));
    return emitter.run({ job: `get_historical_features_${this.context.config.project}`, jobType: "HISTORICAL_RETRIEVAL", inputs, outputs }, work);
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  await fs.writeFile(partial, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(partial, file);
}
