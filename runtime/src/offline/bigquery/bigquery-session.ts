import type { BigQuery, Job, TableField } from "@google-cloud/bigquery";
import { QueryError } from "../../errors";

export interface BigQueryConnectionOptions {
  projectId?: string;
  billingProjectId?: string;
  location?: string;
  /** A BigQuery emulator's URL (`http://host:port`): no credentials are looked up, requests go there. */
  endpoint?: string;
}

/** One page of a query's result: rows as the client decodes them, and the result's schema. */
export interface ResultPage {
  rows: Record<string, unknown>[];
  fields: TableField[];
}

/**
 * The BigQuery client, created on first use (the client library is loaded then, not at startup).
 * Queries are billed to `billingProjectId` and run in `location`; failures carry the SQL.
 */
export class BigQuerySession {
  private client?: Promise<BigQuery>;

  constructor(private readonly options: BigQueryConnectionOptions) {}

  bigquery(): Promise<BigQuery> {
    this.client ??= createClient(this.options);
    return this.client;
  }

  /** The project tables are created in and unqualified names resolve against. */
  async projectId(): Promise<string> {
    const client = await this.bigquery();
    return this.options.projectId ?? (await client.getProjectId());
  }

  /** Runs `sql` and yields its result a page of at most `pageRows` rows at a time, in order. */
  async *pages(sql: string, pageRows = 10_000): AsyncGenerator<ResultPage> {
    const client = await this.bigquery();
    let job: Job;
    try {
      [job] = await client.createQueryJob({
        query: sql,
        location: this.options.location,
        ...(this.options.billingProjectId ? { projectId: this.options.billingProjectId } : {}),
      });
    } catch (error) {
      throw new QueryError("bigquery", sql, error, hintFor(error));
    }
    let pageToken: string | undefined;
    do {
      let page;
      try {
        page = await job.getQueryResults({ autoPaginate: false, maxResults: pageRows, pageToken, wrapIntegers: true });
      } catch (error) {
        throw new QueryError("bigquery", sql, error, hintFor(error));
      }
      const [rows, next, response] = page;
      yield { rows: rows as Record<string, unknown>[], fields: response?.schema?.fields ?? [] };
      pageToken = next?.pageToken ?? undefined;
    } while (pageToken);
  }

  /** Every row of `sql` (for small results: counts, schemas). */
  async queryAll(sql: string): Promise<ResultPage> {
    const all: ResultPage = { rows: [], fields: [] };
    for await (const page of this.pages(sql)) {
      all.rows.push(...page.rows);
      all.fields = page.fields;
    }
    return all;
  }
}

async function createClient(options: BigQueryConnectionOptions): Promise<BigQuery> {
  const { BigQuery } = await import("@google-cloud/bigquery");
  if (!options.endpoint) return new BigQuery({ projectId: options.projectId, location: options.location });
  const { OAuth2Client } = await import("google-auth-library");
  // An emulator checks no token; a fixed one keeps the client from looking for Google credentials.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "emulator", expiry_date: Number.MAX_SAFE_INTEGER });
  return new BigQuery({ projectId: options.projectId ?? "emulator", location: options.location, apiEndpoint: options.endpoint, authClient });
}

function hintFor(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(message)) {
    return "set up Application Default Credentials (gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS) and offline_store.project_id";
  }
  if (/Not found: Dataset/i.test(message)) return "create the dataset, or set offline_store.dataset to one that exists";
  return undefined;
}
