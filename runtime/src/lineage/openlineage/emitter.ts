import { resolveNamespace, type OpenLineageConfig } from "./config";
import { EventFactory, type LineageDataset, type RunEvent } from "./events";
import { openTransport, type OpenLineageTransport } from "./transport";

export interface LineageRun<T> {
  /** The job's name (Feast's `materialize_<project>`, Skewless's `get_historical_features_<project>`). */
  job: string;
  jobType: string;
  inputs: LineageDataset[];
  /** Outputs, once known: called after the work succeeds (e.g. with the file's hash). */
  outputs: (result: T) => LineageDataset[] | Promise<LineageDataset[]>;
}

/**
 * Sends a START event, runs the work, then COMPLETE (or FAIL with the error message). As in Feast,
 * a lineage server that is down never fails the work: send failures are reported to `onError`.
 */
export class OpenLineageEmitter {
  readonly events: EventFactory;

  constructor(
    private readonly transport: OpenLineageTransport,
    config: OpenLineageConfig,
    project: string,
    skewlessVersion: string,
    private readonly onError: (error: unknown) => void = (e) => process.stderr.write(`warning: OpenLineage event not sent: ${(e as Error).message}\n`),
  ) {
    this.events = new EventFactory(config.producer ?? `urn:skewless:runtime:${skewlessVersion}`, resolveNamespace(config.namespace, project));
  }

  /** The emitter `openlineage:` asks for, or undefined when events are off. */
  static open(config: OpenLineageConfig | undefined, project: string, skewlessVersion: string): OpenLineageEmitter | undefined {
    const transport = openTransport(config);
    return transport && config ? new OpenLineageEmitter(transport, config, project, skewlessVersion) : undefined;
  }

  async run<T>(run: LineageRun<T>, work: () => Promise<T>): Promise<T> {
    const job = this.events.job(run.job, run.jobType);
    const runId = this.events.newRunId();
    await this.send(this.events.event("START", job, runId, run.inputs, []));
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.send(this.events.event("FAIL", job, runId, run.inputs, [], this.events.errorFacet(error)));
      throw error;
    }
    await this.send(this.events.event("COMPLETE", job, runId, run.inputs, await run.outputs(result)));
    return result;
  }

  private async send(event: RunEvent): Promise<void> {
    try {
      await this.transport.send(event);
    } catch (error) {
      this.onError(error);
    }
  }
}
