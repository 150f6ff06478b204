import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsRedisOnlineStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets (two or more availability zones for failover). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The Redis AUTH token (16 to 128 printable characters): pass a Pulumi secret. */
  authToken: pulumi.Input<string>;
  /** Default `cache.t4g.small`. */
  nodeType?: pulumi.Input<string>;
  /** Nodes: 1 primary plus replicas (default 2, with automatic failover). */
  nodes?: number;
}

const REDIS_PORT = 6379;

/**
 * ElastiCache Redis as the online store: TLS in transit, encryption at rest, an AUTH token, and a
 * security group that only lets in members of `clientSecurityGroup` (give it to your apps).
 */
export class AwsRedisOnlineStore extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Attach it to whatever reads or writes features (apps, the materialization task). */
  readonly clientSecurityGroup: aws.ec2.SecurityGroup;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Feast's `host:port,ssl=true,password=...`: a secret output. */
  readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: AwsRedisOnlineStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:RedisOnlineStore", name, {}, opts);
    const parent = { parent: this };
    const authToken = pulumi.secret(args.authToken);
    const serverGroup = new aws.ec2.SecurityGroup(`${name}-redis`, { vpcId: args.vpcId, description: "Skewless online store (Redis)" }, parent);
    this.clientSecurityGroup = new aws.ec2.SecurityGroup(`${name}-clients`, {
      vpcId: args.vpcId,
      description: "Skewless online store clients",
      // HTTPS out for S3, ECR, Secrets Manager and CloudWatch Logs; Redis out via the rule below.
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs" }],
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-clients`, {
      securityGroupId: serverGroup.id, referencedSecurityGroupId: this.clientSecurityGroup.id,
      ipProtocol: "tcp", fromPort: REDIS_PORT, toPort: REDIS_PORT, description: "Redis from clients",
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-to-redis`, {
      securityGroupId: this.clientSecurityGroup.id, referencedSecurityGroupId: serverGroup.id,
      ipProtocol: "tcp", fromPort: REDIS_PORT, toPort: REDIS_PORT, description: "Redis",
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
      authToken,
      authTokenUpdateStrategy: "ROTATE",
    }, parent);
    this.host = this.replicationGroup.primaryEndpointAddress;
    this.port = pulumi.output(REDIS_PORT);
    this.connectionString = pulumi.secret(pulumi.interpolate`${this.host}:${REDIS_PORT},ssl=true,password=${authToken}`);
    this.registerOutputs({ host: this.host, port: this.port, connectionString: this.connectionString });
  }
}
