import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface GcpRedisOnlineStoreArgs {
  region: pulumi.Input<string>;
  /** The VPC network (id or self link) clients reach Redis from. */
  network: pulumi.Input<string>;
  /** Default 1. */
  memorySizeGb?: pulumi.Input<number>;
  /** `STANDARD_HA` (default: a replica with failover) or `BASIC`. */
  tier?: pulumi.Input<string>;
  /** Network tags of the only clients allowed to reach Redis (the feature server's and the job's). */
  clientTags: string[];
}

/**
 * Memorystore for Redis as the online store: AUTH on, TLS in transit (server authentication),
 * reachable only from the given VPC network, and within it only from `clientTags` (an egress
 * firewall rule allows them, a lower-priority one denies everything else). Memorystore for Redis
 * has one AUTH string and no ACL users, so server and job share it: the read-only/read-write split
 * is AWS's (ElastiCache RBAC) only.
 */
export class GcpRedisOnlineStore extends pulumi.ComponentResource {
  readonly instance: gcp.redis.Instance;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Feast's `host:port,ssl=true,password=...`: a secret output. */
  readonly connectionString: pulumi.Output<string>;
  /** The CA certificate clients verify the server with (Memorystore signs with its own CA). */
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: GcpRedisOnlineStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:gcp:RedisOnlineStore", name, {}, opts);
    this.instance = new gcp.redis.Instance(name, {
      region: args.region,
      tier: args.tier ?? "STANDARD_HA",
      memorySizeGb: args.memorySizeGb ?? 1,
      redisVersion: "REDIS_7_2",
      authorizedNetwork: args.network,
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
    }, { parent: this });
    this.host = this.instance.host;
    this.port = this.instance.port;
    const redisRange = [pulumi.interpolate`${this.host}/32`];
    const ports = [{ protocol: "tcp", ports: [pulumi.interpolate`${this.port}`] }];
    new gcp.compute.Firewall(`${name}-clients`, {
      network: args.network, direction: "EGRESS", priority: 900, destinationRanges: redisRange, targetTags: args.clientTags, allows: ports,
      description: "Skewless: only the feature server and the materialization job reach Redis",
    }, { parent: this });
    new gcp.compute.Firewall(`${name}-others`, {
      network: args.network, direction: "EGRESS", priority: 1000, destinationRanges: redisRange, denies: ports,
      description: "Skewless: nothing else reaches Redis",
    }, { parent: this });
    this.connectionString = pulumi.secret(pulumi.interpolate`${this.host}:${this.port},ssl=true,password=${this.instance.authString}`);
    this.caCertificate = this.instance.serverCaCerts.apply((certs) => certs[0]?.cert ?? "");
    this.registerOutputs({ host: this.host, port: this.port, connectionString: this.connectionString, caCertificate: this.caCertificate });
  }
}
