import { randomUUID } from "node:crypto";
import type { FeatureViewInfo } from "../../registry/catalog";
import type { SourceVersion } from "../source-versions";

// OpenLineage 2-0-2 run events, shaped as Feast 0.66's emitter shapes them (job materialize_<project>,
// feature views and their sources as inputs, online_store_<view> as outputs), plus Skewless's
// historical retrieval job with the source versions a training set read.

export const SPEC_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const FACET_URL = (file: string, def: string) => `https://openlineage.io/spec/facets/${file}.json#/$defs/${def}`;

export type EventType = "START" | "COMPLETE" | "FAIL";

export interface Facet {
  _producer: string;
  _schemaURL: string;
  [key: string]: unknown;
}

export interface LineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, Facet>;
}

export interface RunEvent {
  eventType: EventType;
  eventTime: string;
  run: { runId: string; facets?: Record<string, Facet> };
  job: { namespace: string; name: string; facets?: Record<string, Facet> };
  inputs: LineageDataset[];
  outputs: LineageDataset[];
  producer: string;
  schemaURL: string;
}

/** Builds the datasets and facets of Skewless's events for one producer and namespace. */
export class EventFactory {
  constructor(readonly producer: string, readonly namespace: string) {}

  newRunId(): string {
    return randomUUID();
  }

  event(type: EventType, job: RunEvent["job"], runId: string, inputs: LineageDataset[], outputs: LineageDataset[], runFacets: Record<string, Facet> = {}): RunEvent {
    return {
      eventType: type, eventTime: new Date().toISOString(), run: { runId, facets: runFacets }, job,
      inputs, outputs, producer: this.producer, schemaURL: SPEC_URL,
    };
  }

  job(name: string, jobType: string): RunEvent["job"] {
    return {
      namespace: this.namespace, name,
      facets: { jobType: this.facet("2-0-4/JobTypeJobFacet", "JobTypeJobFacet", { processingType: "BATCH", integration: "FEAST", jobType }) },
    };
  }

  featureView(view: FeatureViewInfo): LineageDataset {
    return {
      namespace: this.namespace, name: view.name,
      facets: { schema: this.facet("1-2-0/SchemaDatasetFacet", "SchemaDatasetFacet", { fields: view.features.map((f) => ({ name: f.name, type: f.dtype ?? "UNKNOWN" })) }) },
    };
  }

  /** A source, with the version of its data when Skewless knows it (DatasetVersionDatasetFacet). */
  source(name: string, uri: string, version?: SourceVersion): LineageDataset {
    const facets: Record<string, Facet> = {
      dataSource: this.facet("1-0-1/DatasourceDatasetFacet", "DatasourceDatasetFacet", { name, uri: asUri(uri) }),
    };
    if (version?.sha256) facets.version = this.facet("1-0-1/DatasetVersionDatasetFacet", "DatasetVersionDatasetFacet", { datasetVersion: `sha256:${version.sha256}` });
    return { namespace: this.namespace, name, facets };
  }

  onlineTable(storeType: string, view: string): LineageDataset {
    return {
      namespace: this.namespace, name: `online_store_${view}`,
      facets: { dataSource: this.facet("1-0-1/DatasourceDatasetFacet", "DatasourceDatasetFacet", { name: storeType, uri: `${storeType}://feast/${view}` }) },
    };
  }

  file(name: string, uri: string, sha?: string): LineageDataset {
    return this.source(name, uri, sha ? { kind: "local", uri, sha256: sha } : undefined);
  }

  errorFacet(error: unknown): Record<string, Facet> {
    const message = error instanceof Error ? error.message : String(error);
    return { errorMessage: this.facet("1-0-1/ErrorMessageRunFacet", "ErrorMessageRunFacet", { message, programmingLanguage: "typescript" }) };
  }

  private facet(file: string, def: string, body: Record<string, unknown>): Facet {
    return { _producer: this.producer, _schemaURL: FACET_URL(file, def), ...body };
  }
}

function asUri(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  return `file://${location}`;
}
