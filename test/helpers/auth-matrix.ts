import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { skewless } from "./processes";
import type { OidcProviderHandle, TestPrincipal } from "./oidc-provider";

// The access-control matrix both feature servers must agree on: the credit demo repo (user_credit is
// tagged pii, user_transactions is not) plus a push-fed view, the permissions below, four principals
// (clients of a real OpenID provider) and one request per endpoint.

export const PRINCIPALS: TestPrincipal[] = [
  { clientId: "risk", roles: ["risk_officer"] },
  { clientId: "analyst", groups: ["analytics"] },
  { clientId: "ingest", roles: ["ingest"] },
  { clientId: "nobody" },
  { clientId: "shortlived", roles: ["risk_officer"], ttlSeconds: 1 },
];

export const PERMISSIONS_TS = `
import { GroupBasedPolicy, Permission, RoleBasedPolicy } from "@skewless/runtime";

/** Risk officers read every view and service online, PII included. */
export const riskRead = new Permission({
  name: "risk_read", types: ["FeatureView", "FeatureService"], actions: ["READ_ONLINE"], policy: RoleBasedPolicy(["risk_officer"]),
});
/** Analysts read the non-PII transaction views only. */
export const analystRead = new Permission({
  name: "analyst_read", types: ["FeatureView"], namePatterns: ["user_transactions", "txn_.*"], actions: ["READ_ONLINE"],
  policy: GroupBasedPolicy(["analytics"]),
});
/** The ingestion job writes to the online store (push, materialize). */
export const ingestWrite = new Permission({
  name: "ingest_write", types: ["FeatureView"], actions: ["WRITE_ONLINE"], policy: RoleBasedPolicy(["ingest"]),
});
`;

const PUSH_TS = `
import { FeatureView, PushSource } from "@skewless/runtime";
import { transactionsSource, user } from "./features";

export const txnPush = new PushSource({ name: "txn_push", batchSource: transactionsSource });
export const txnLive = new FeatureView({
  name: "txn_live", entities: [user], ttl: "1d", source: txnPush, schema: [{ name: "txn_count_1h", dtype: "Int32" }], tags: { team: "risk" },
});
`;

export interface MatrixCase {
  name: string;
  path: string;
  body: unknown;
}

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
const iso = (d: Date) => d.toISOString().replace(".000Z", "");

export const CASES: MatrixCase[] = [
  { name: "read pii view", path: "/get-online-features", body: { features: ["user_credit:credit_score"], entities: { user_id: [1001] } } },
  { name: "read non-pii view", path: "/get-online-features", body: { features: ["user_transactions:txn_count_1h"], entities: { user_id: [1001] } } },
  { name: "read both views", path: "/get-online-features", body: { features: ["user_transactions:txn_count_1h", "user_credit:credit_score"], entities: { user_id: [1001] } } },
  { name: "read feature service", path: "/get-online-features", body: { feature_service: "credit_model_v1", entities: { user_id: [1001] } } },
  {
    name: "push online", path: "/push",
    body: { push_source_name: "txn_push", to: "online", df: { user_id: [1001], txn_count_1h: [7], txn_amount_1h: [1.5], foreign_txn_ratio_24h: [0.1], event_timestamp: [iso(NOW)], created: [iso(NOW)] } },
  },
  {
    name: "materialize non-pii view", path: "/materialize",
    body: { feature_views: ["user_transactions"], start_ts: iso(new Date(NOW.getTime() - 3_600_000)), end_ts: iso(NOW) },
  },
];

/** Expected HTTP status per principal and case: 200 allowed, 403 refused. */
export const EXPECTED: Record<string, Record<string, number>> = {
  risk: { "read pii view": 200, "read non-pii view": 200, "read both views": 200, "read feature service": 200, "push online": 403, "materialize non-pii view": 403 },
  analyst: { "read pii view": 403, "read non-pii view": 200, "read both views": 403, "read feature service": 403, "push online": 403, "materialize non-pii view": 403 },
  ingest: { "read pii view": 403, "read non-pii view": 403, "read both views": 403, "read feature service": 403, "push online": 200, "materialize non-pii view": 200 },
  nobody: { "read pii view": 403, "read non-pii view": 403, "read both views": 403, "read feature service": 403, "push online": 403, "materialize non-pii view": 403 },
};

/** Creates the repo with its permissions, applies and materializes it, then sets `auth` to the provider. */
export async function makeAuthRepo(root: string, provider: OidcProviderHandle): Promise<string> {
  const repo = path.join(root, "credit");
  const init = await skewless(["init", "credit", "--users", "20", "--days", "2"], root);
  if (init.code !== 0) throw new Error(init.stderr);
  await fs.writeFile(path.join(repo, "permissions.ts"), PERMISSIONS_TS);
  await fs.writeFile(path.join(repo, "push.ts"), PUSH_TS);
  for (const args of [["apply"], ["materialize", "2020-01-01T00:00:00Z", new Date(NOW.getTime() + 3_600_000).toISOString()]]) {
    const result = await skewless(args, repo);
    if (result.code !== 0) throw new Error(`skewless ${args.join(" ")}: ${result.stderr}`);
  }
  const yamlPath = path.join(repo, "feature_store.yaml");
  const yaml = await fs.readFile(yamlPath, "utf8");
  await fs.writeFile(yamlPath, `${yaml.trimEnd()}\nauth:\n  type: oidc\n  client_id: feast\n  auth_discovery_url: ${provider.discoveryUrl}\n`);
  return repo;
}

/** POSTs JSON with an optional bearer token. */
export async function post(base: string, pathName: string, body: unknown, token?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${pathName}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

/** Runs every case for every principal of EXPECTED; returns the statuses in EXPECTED's shape. */
export async function runMatrix(base: string, provider: OidcProviderHandle): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const principal of Object.keys(EXPECTED)) {
    const token = await provider.token(principal);
    out[principal] = {};
    for (const c of CASES) out[principal][c.name] = (await post(base, c.path, c.body, token)).status;
  }
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Starts a server process and waits until `/health` answers. */
export async function startServer(
  command: string, args: string[], cwd: string, base: string, env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = "";
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGTERM");
  throw new Error(`${command} did not become healthy:\n${output}`);
}

/**
 * Tokens built from a genuine one that must all be refused: the payload edited after signing (roles
 * added), the same claims signed with another key under the provider's kid, `alg: none`, and HS256
 * keyed with a public JWK (the classic algorithm-confusion forgery).
 */
export async function forgedTokens(genuine: string): Promise<{ label: string; token: string }[]> {
  const [header, payload, signature] = genuine.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  const elevated = { ...claims, roles: ["risk_officer"] };
  const edited = Buffer.from(JSON.stringify(elevated)).toString("base64url");
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const otherKey = await new SignJWT(elevated).setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(genuine).kid, typ: "at+jwt" }).sign(privateKey);
  const hs = await new SignJWT(elevated).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey))));
  return [
    { label: "payload edited after signing", token: `${header}.${edited}.${signature}` },
    { label: "signed with another key under the provider's kid", token: otherKey },
    { label: "alg none", token: `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${edited}.` },
    { label: "HS256 keyed with a public key", token: hs },
  ];
}
