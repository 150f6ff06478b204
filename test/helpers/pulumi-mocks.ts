import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";

/** A resource the program registered, as Pulumi's mock monitor saw it. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom: boolean;
}

export interface MockOptions {
  /** Outputs for a custom resource (default: its inputs); may call a real provider. */
  create?: (args: pulumi.runtime.MockResourceArgs) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Config, as `pulumi config set` would give it (`{ "skewless:cloud": "local" }`). */
  config?: Record<string, string>;
  secretKeys?: string[];
}

/** Outputs a cloud provider would compute: names, ARNs, endpoints. Inputs win where given. */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const name = args.name;
  const extra: Record<string, Record<string, unknown>> = {
    "aws:s3/bucket:Bucket": { bucket: name },
    "aws:elasticache/replicationGroup:ReplicationGroup": { primaryEndpointAddress: `${name}.cache.example` },
    "aws:ecs/taskDefinition:TaskDefinition": { arnWithoutRevision: `arn:aws:ecs:eu-west-1:1:task-definition/${name}` },
    "gcp:redis/instance:Instance": { host: "10.0.0.3", port: 6378, authString: "gcp-generated-auth", serverCaCerts: [{ cert: "-----BEGIN CERTIFICATE-----" }] },
    "gcp:serviceaccount/account:Account": { email: `${name}@project.iam.gserviceaccount.com` },
    "gcp:secretmanager/secret:Secret": { secretId: name },
  };
  return { name, arn: `arn:mock:${args.type}:${name}`, ...extra[args.type], ...args.inputs };
}

/** Provider functions the components call (data sources), with plausible answers. */
function invoke(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  if (args.token === "aws:index/getRegion:getRegion") return { region: "eu-west-1", name: "eu-west-1" };
  if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/deployer", userId: "AIDAMOCK" };
  if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
  return args.inputs;
}

/** Routes the program's resources to Pulumi's mocks and records them, in registration order. */
export async function startMocks(options: MockOptions = {}): Promise<Registered[]> {
  const registered: Registered[] = [];
  if (options.config) pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  await pulumi.runtime.setMocks({
    async newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
      const state = !args.custom ? args.inputs : options.create ? await options.create(args) : computedOutputs(args);
      return { id: args.custom ? `${args.name}-id` : undefined, state };
    },
    call: invoke,
  }, "skewless", "dev", false);
  return registered;
}

/** The value of an output (secret or not). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Whether a mock input arrived as a Pulumi secret. */
export function isSecretInput(value: unknown): boolean {
  return typeof value === "object" && value !== null
    && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** A mock input with its secret wrapper (if any) removed. */
export function plain<T = unknown>(value: unknown): T {
  return (isSecretInput(value) ? (value as { value: unknown }).value : value) as T;
}

/** Lets registrations started by async program code reach the mocks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Lookups by resource type over what the mocks registered (read when called: fill `registered` first). */
export function byType(registered: () => Registered[]): { ofType(type: string): Registered[]; one(type: string): Registered } {
  const ofType = (type: string) => registered().filter((r) => r.type === type);
  return {
    ofType,
    one(type: string) {
      const found = ofType(type);
      expect(found, type).toHaveLength(1);
      return found[0];
    },
  };
}
