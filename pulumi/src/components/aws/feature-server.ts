import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_KEY } from "../bucket-layout";
import { SERVE_PORT, serveCommand } from "../materialization-job";
import { assumedBy, fargateTask } from "./fargate-task";

export interface AwsFeatureServerArgs {
  /** An image with the `skewless` CLI and the feature repo at `repoDir` (the materialization image will do). */
  image: pulumi.Input<string>;
  repoDir?: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The online store's security group for read-only clients. */
  redisClientSecurityGroupId: pulumi.Input<string>;
  /** ACM certificate for the load balancer's HTTPS listener. */
  certificateArn: pulumi.Input<string>;
  /** The data bucket: the server reads registry.pb only. */
  bucketArn: pulumi.Input<string>;
  /** feature_store.yaml naming the connection string as `${SKEWLESS_REDIS_CONNECTION}`. */
  featureStoreYaml: pulumi.Input<string>;
  /** The read-only user's connection string (a secret). None for DynamoDB. */
  connectionString?: pulumi.Input<string>;
  /** Further task-role statements the online store needs (DynamoDB: reading its tables). */
  onlineStoreStatements?: Record<string, pulumi.Input<unknown>>[];
  /** Tasks behind the load balancer (default 2). */
  desiredCount?: number;
  cpu?: number;
  memory?: number;
}

/**
 * `skewless serve` as an ECS service behind an internal Application Load Balancer with an HTTPS
 * listener (TLS 1.2+, the given ACM certificate). The tasks reach Redis as the read-only user and
 * read registry.pb; only members of `appSecurityGroup` reach the load balancer, and they get no
 * store credentials: they call the feature server, which checks tokens and permissions.
 */
export class AwsFeatureServer extends pulumi.ComponentResource {
  /** Give it to apps: it lets them reach the load balancer on 443, nothing else. */
  readonly appSecurityGroup: aws.ec2.SecurityGroup;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly service: aws.ecs.Service;
  readonly taskRole: aws.iam.Role;
  /** `https://<internal load balancer>`: what apps call. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: AwsFeatureServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:FeatureServer", name, {}, opts);
    const parent = { parent: this };
    this.appSecurityGroup = new aws.ec2.SecurityGroup(`${name}-apps`, {
      vpcId: args.vpcId, description: "Apps calling the Skewless feature server",
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }],
    }, parent);
    const lbGroup = new aws.ec2.SecurityGroup(`${name}-lb`, { vpcId: args.vpcId, description: "Skewless feature server load balancer" }, parent);
    const taskGroup = new aws.ec2.SecurityGroup(`${name}-tasks`, { vpcId: args.vpcId, description: "Skewless feature server tasks" }, parent);
    const rule = (kind: "ingress" | "egress", ruleName: string, groupId: pulumi.Input<string>, peerId: pulumi.Input<string>, port: number) => {
      const ruleArgs = { securityGroupId: groupId, referencedSecurityGroupId: peerId, ipProtocol: "tcp", fromPort: port, toPort: port, description: ruleName };
      return kind === "ingress" ? new aws.vpc.SecurityGroupIngressRule(`${name}-${ruleName}`, ruleArgs, parent) : new aws.vpc.SecurityGroupEgressRule(`${name}-${ruleName}`, ruleArgs, parent);
    };
    rule("ingress", "lb-from-apps", lbGroup.id, this.appSecurityGroup.id, 443);
    rule("egress", "lb-to-tasks", lbGroup.id, taskGroup.id, SERVE_PORT);
    rule("ingress", "tasks-from-lb", taskGroup.id, lbGroup.id, SERVE_PORT);

    this.taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com") }, parent);
    new aws.iam.RolePolicy(`${name}-task`, {
      role: this.taskRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Registry", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${args.bucketArn}/${REGISTRY_KEY}` },
          ...(args.onlineStoreStatements ?? []),
        ],
      }),
    }, parent);
    const taskDefinition = fargateTask(name, this.taskRole, {
      container: "serve", image: args.image, command: serveCommand(args.repoDir), featureStoreYaml: args.featureStoreYaml,
      connectionString: args.connectionString, cpu: args.cpu ?? 512, memory: args.memory ?? 1024,
      portMappings: [{ containerPort: SERVE_PORT, protocol: "tcp" }],
    }, this);

    this.loadBalancer = new aws.lb.LoadBalancer(name, {
      internal: true, loadBalancerType: "application", securityGroups: [lbGroup.id], subnets: args.subnetIds, dropInvalidHeaderFields: true,
    }, parent);
    const targets = new aws.lb.TargetGroup(name, {
      vpcId: args.vpcId, port: SERVE_PORT, protocol: "HTTP", targetType: "ip",
      healthCheck: { path: "/health", matcher: "200" },
    }, parent);
    new aws.lb.Listener(name, {
      loadBalancerArn: this.loadBalancer.arn, port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: args.certificateArn, defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
    }, parent);
    const cluster = new aws.ecs.Cluster(name, {}, parent);
    this.service = new aws.ecs.Service(name, {
      cluster: cluster.arn, taskDefinition: taskDefinition.arn, desiredCount: args.desiredCount ?? 2, launchType: "FARGATE",
      networkConfiguration: { subnets: args.subnetIds, securityGroups: [taskGroup.id, args.redisClientSecurityGroupId], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: targets.arn, containerName: "serve", containerPort: SERVE_PORT }],
    }, { parent: this, dependsOn: [targets] });
    this.url = pulumi.interpolate`https://${this.loadBalancer.dnsName}`;
    this.registerOutputs({ url: this.url });
  }
}
