import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { OpenLineageConfig } from "./config";
import type { RunEvent } from "./events";

/** Where run events go. One per `transport_type`. */
export interface OpenLineageTransport {
  send(event: RunEvent): Promise<void>;
}

/** POSTs each event as JSON to `<transport_url>/<transport_endpoint>` (Marquez's API), with the api key as a bearer token. */
export class HttpTransport implements OpenLineageTransport {
  private readonly target: string;

  constructor(url: string, endpoint: string, private readonly apiKey?: string, private readonly timeoutMs = 10_000) {
    this.target = `${url.replace(/\/+$/, "")}/${endpoint.replace(/^\/+/, "")}`;
  }

  async send(event: RunEvent): Promise<void> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const response = await fetch(this.target, {
      method: "POST", headers, body: JSON.stringify(event), signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${this.target} answered HTTP ${response.status}`);
  }
}

/** Appends each event as one JSON line (OpenLineage's file transport with `append: true`). */
export class FileTransport implements OpenLineageTransport {
  constructor(private readonly file: string) {}

  async send(event: RunEvent): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, `${JSON.stringify(event)}\n`);
  }
}

export class ConsoleTransport implements OpenLineageTransport {
  async send(event: RunEvent): Promise<void> {
    process.stderr.write(`${JSON.stringify(event)}\n`);
  }
}

/** The transport `openlineage:` configures, or undefined when lineage events are off. */
export function openTransport(config: OpenLineageConfig | undefined): OpenLineageTransport | undefined {
  if (!config?.enabled || !config.transportType) return undefined;
  if (config.transportType === "http") return new HttpTransport(config.url!, config.endpoint, config.apiKey);
  if (config.transportType === "file") return new FileTransport(config.logFilePath!);
  return new ConsoleTransport();
}
