import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { redisAccessString } from "@skewless/runtime/internal";

export interface AwsRedisOnlineStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets (two or more availability zones for failover). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The materializer's Redis password (16 to 128 printable characters): pass a Pulumi secret. */
  authToken: pulumi.Input<string>;
  /** The feature server's (read-only) Redis password: a Pulumi secret, different from `authToken`. */
  serverPassword: pulumi.Input<string>;
  /** Default `cache.t4g.small`. */
  nodeType?: pulumi.Input<string>;
  /** Nodes: 1 primary plus replicas (default 2, with automatic failover). */
  nodes?: number;
}

const REDIS_PORT = 6379;
/** ElastiCache RBAC user names (also the `username=` of each connection string). */
export const REDIS_USERS = { materializer: "skewless-materializer", server: "skewless-server" } as const;

/**
 * ElastiCache Redis as the online store: TLS in transit, encryption at rest, and RBAC with two
 * users, the materializer (read-write) and the feature server (read-only: HMGET and the read
 * script, which Redis checks against the same ACL), the default user disabled. Its security group
 * admits only two client groups, one per identity: apps get neither, they call `skewless serve`.
 */
export class AwsRedisOnlineStore extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Attach to the materialization task: Redis reachable, as the read-write user. */
  readonly materializerSecurityGroup: aws.ec2.SecurityGroup;
  /** Attach to the feature server's tasks: Redis reachable, as the read-only user. */
  readonly serverSecurityGroup: aws.ec2.SecurityGroup;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Feast's `host:port,ssl=true,username=...,password=...` for the materializer: a secret output. */
  readonly materializerConnectionString: pulumi.Output<string>;
  /** The same for the feature server's read-only user: a secret output. */
  readonly serverConnectionString: pulumi.Output<string>;

  constructor(name: string, args: AwsRedisOnlineStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:RedisOnlineStore", name, {}, opts);
    const parent = { parent: this };
    const serverGroup = new aws.ec2.SecurityGroup(`${name}-redis`, { vpcId: args.vpcId, description: "Skewless online store (Redis)" }, parent);
    const clientGroup = (suffix: string, description: string) => {
      const group = new aws.ec2.SecurityGroup(`${name}-${suffix}`, {
        vpcId: args.vpcId,
        description,
        // HTTPS out for S3, ECR, Secrets Manager and CloudWatch Logs; Redis out via the rule below.
        egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs" }],
      }, parent);
      new aws.vpc.SecurityGroupIngressRule(`${name}-from-${suffix}`, {
        securityGroupId: serverGroup.id, referencedSecurityGroupId: group.id,
        ipProtocol: "tcp", fromPort: REDIS_PORT, toPort: REDIS_PORT, description: `Redis from ${suffix}`,
      }, parent);
      new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}-to-redis`, {
        securityGroupId: group.id, referencedSecurityGroupId: serverGroup.id,
        ipProtocol: "tcp", fromPort: REDIS_PORT, toPort: REDIS_PORT, description: "Redis",
      }, parent);
      return group;
    };
    this.materializerSecurityGroup = clientGroup("materializer", "Skewless materialization (Redis read-write)");
    this.serverSecurityGroup = clientGroup("server", "Skewless feature server (Redis read-only)");

    const materializerPassword = pulumi.secret(args.authToken);
    const serverPassword = pulumi.secret(args.serverPassword);
    // ElastiCache wants a user named "default" in every group: this one cannot log in.
    const defaultUser = new aws.elasticache.User(`${name}-default`, {
      userId: `${name}-default`, userName: "default", engine: "redis", accessString: "off -@all", authenticationMode: { type: "no-password-required" },
    }, parent);
    const user = (role: "materializer" | "server", password: pulumi.Output<string>, access: string) => new aws.elasticache.User(`${name}-${role}`, {
      userId: `${name}-${role}`, userName: REDIS_USERS[role], engine: "redis", accessString: access,
      authenticationMode: { type: "password", passwords: [password] },
    }, parent);
    const materializer = user("materializer", materializerPassword, redisAccessString("writer"));
    const server = user("server", serverPassword, redisAccessString("reader"));
    const users = new aws.elasticache.UserGroup(name, {
      userGroupId: name, engine: "redis", userIds: [defaultUser.userId, materializer.userId, server.userId],
    }, parent);

    const subnets = new aws.elasticache.SubnetGroup(name, { subnetIds: args.subnetIds }, parent);
    const nodes = args.nodes ?? 2;
    this.replicationGroup = new aws.elasticache.ReplicationGroup(name, {
      description: "Skewless online store",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: args.nodeType ?? "cache.t4g.small",
      numCacheClusters: nodes,
      automaticFailoverEnabled: nodes > 1,
      multiAzEnabled: nodes > 1,
      port: REDIS_PORT,
      subnetGroupName: subnets.name,
      securityGroupIds: [serverGroup.id],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      userGroupIds: [users.userGroupId],
    }, parent);
    this.host = this.replicationGroup.primaryEndpointAddress;
    this.port = pulumi.output(REDIS_PORT);
    const connection = (role: "materializer" | "server", password: pulumi.Output<string>) =>
      pulumi.secret(pulumi.interpolate`${this.host}:${REDIS_PORT},ssl=true,username=${REDIS_USERS[role]},password=${password}`);
    this.materializerConnectionString = connection("materializer", materializerPassword);
    this.serverConnectionString = connection("server", serverPassword);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
