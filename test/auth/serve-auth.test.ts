import type { ChildProcess } from "node:child_process";
import { promises as fs, readFileSync } from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, type AuditEntry } from "../../runtime/src/auth/audit-log";
import { authorizedStore } from "../../runtime/src/auth/authorized-store";
import { PermissionDeniedError } from "../../runtime/src/auth/errors";
import { serveGuardFor } from "../../runtime/src/auth/serve-access";
import { FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { CASES, EXPECTED, forgedTokens, freePort, makeAuthRepo, post, PRINCIPALS, runMatrix, startServer } from "../helpers/auth-matrix";
import { startOidcProvider, type OidcProviderHandle } from "../helpers/oidc-provider";
import { SKEWLESS_BIN } from "../helpers/processes";
import { makeTlsFiles } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";

// `skewless serve` with feature_store.yaml's auth set to oidc, against a real OpenID provider
// (oidc-provider, certified by the OpenID Foundation) on loopback issuing client-credentials JWTs.

describe("skewless serve with OIDC authentication and Feast permissions", () => {
  const root = tempDir();
  let provider: OidcProviderHandle;
  let repo = "";
  let base = "";
  let auditFile = "";
  let server: { child: ChildProcess; output: () => string } | undefined;

  beforeAll(async () => {
    provider = await startOidcProvider(PRINCIPALS);
    repo = await makeAuthRepo(root, provider);
    auditFile = path.join(root, "audit.jsonl");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer(process.execPath, [SKEWLESS_BIN, "serve", "--port", String(port), "--audit-log", auditFile], repo, base);
  }, 600_000);

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await provider?.stop();
  });

  it("says at start that permissions are enforced", () => {
    expect(server!.output()).toContain(`Authentication: oidc (${provider.discoveryUrl}); permissions enforced, deny by default`);
  });

  it("allows and refuses each principal on each endpoint as the permissions say", async () => {
    expect(await runMatrix(base, provider)).toEqual(EXPECTED);
  }, 300_000);

  it("answers allowed reads with the values, refused ones with Feast's FeastPermissionError naming the view and action but no value", async () => {
    const read = CASES.find((c) => c.name === "read pii view")!;
    const allowed = await post(base, read.path, read.body, await provider.token("risk"));
    const score = (JSON.parse(allowed.text) as { results: { values: unknown[] }[] }).results[1].values[0];
    expect(typeof score).toBe("number");
    const refused = await post(base, read.path, read.body, await provider.token("analyst"));
    expect(refused.status).toBe(403);
    const detail = JSON.parse(JSON.parse(refused.text) as string) as { module: string; class: string; message: string };
    expect(detail).toEqual({
      module: "feast.errors", class: "FeastPermissionError",
      message: "Permission error:\nPermission risk_read denied execution of ['READ_ONLINE'] to FeatureView:user_credit: Requires roles ['risk_officer']",
    });
    expect(refused.text).not.toContain(String(score));
    const service = await post(base, "/get-online-features", { feature_service: "credit_model_v1", entities: { user_id: [1001] } }, await provider.token("nobody"));
    expect(JSON.parse(JSON.parse(service.text) as string).message)
      .toBe("Permission error:\nPermission risk_read denied execution of ['READ_ONLINE'] to FeatureService:credit_model_v1: Requires roles ['risk_officer']");
  });

  it("answers 401 without a token or with one that is not a JWT, and /health without either", async () => {
    const read = CASES[1];
    expect(await post(base, read.path, read.body)).toEqual({ status: 401, text: JSON.stringify({ detail: "Invalid or expired access token" }) });
    expect(await post(base, read.path, read.body, "not-a-jwt")).toEqual({ status: 401, text: JSON.stringify({ detail: "Invalid or expired access token" }) });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("refuses forged tokens with 401", async () => {
    const read = CASES[0];   // the PII view, which the analyst may not read
    for (const { label, token } of await forgedTokens(await provider.token("analyst"))) {
      expect((await post(base, read.path, read.body, token)).status, label).toBe(401);
    }
  });

  it("refuses a token once it has expired (Feast's 10 s leeway included)", async () => {
    const token = await provider.token("shortlived");
    const read = CASES[1];
    expect((await post(base, read.path, read.body, token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 12_500));
    expect((await post(base, read.path, read.body, token)).status).toBe(401);
  }, 60_000);

  it("follows a key rotation without a restart: tokens signed with the new key verify, old ones still do while published", async () => {
    const before = await provider.token("risk");
    const kid = await provider.rotate();
    const after = await provider.token("risk");
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    await new Promise((r) => setTimeout(r, 5_500));   // the verifier's refetch cooldown
    const read = CASES[0];
    expect((await post(base, read.path, read.body, after)).status).toBe(200);
    expect((await post(base, read.path, read.body, before)).status).toBe(200);
  }, 60_000);

  it("writes one JSON audit line per decision, with principal, action, object, features and request id, and no value or token", async () => {
    const token = await provider.token("analyst");
    const res = await fetch(`${base}/get-online-features`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "req-42" },
      body: JSON.stringify({ features: ["user_transactions:txn_count_1h", "user_credit:credit_score"], entities: { user_id: [1001] } }),
    });
    expect(res.status).toBe(403);
    const lines = readFileSync(auditFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEntry);
    const mine = lines.filter((l) => l.request_id === "req-42");
    expect(mine.map(({ time: _t, ...rest }) => rest)).toEqual([
      { request_id: "req-42", principal: "analyst", operation: "POST /get-online-features", actions: ["READ_ONLINE"], object: "FeatureView:user_transactions", features: ["txn_count_1h"], decision: "allowed", reason: "permission analyst_read" },
      {
        request_id: "req-42", principal: "analyst", operation: "POST /get-online-features", actions: ["READ_ONLINE"], object: "FeatureView:user_credit", features: ["credit_score"], decision: "denied",
        reason: "Permission risk_read denied execution of ['READ_ONLINE'] to FeatureView:user_credit: Requires roles ['risk_officer']",
      },
    ]);
    expect(lines.some((l) => l.principal === null && l.reason.startsWith("unauthenticated:"))).toBe(true);
    expect(lines.some((l) => l.object === "FeatureView:txn_live" && l.decision === "allowed" && l.principal === "ingest")).toBe(true);
    const text = readFileSync(auditFile, "utf8");
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/"values"|1001|"df"/);   // no entity keys, no pushed rows, no answers
  });
});

describe("the runtime API and TLS with the same permissions", () => {
  const root = tempDir();
  let provider: OidcProviderHandle;
  let store: FeatureStore;

  beforeAll(async () => {
    provider = await startOidcProvider(PRINCIPALS);
    store = await FeatureStore.open(await makeAuthRepo(root, provider));
  }, 600_000);

  afterAll(async () => {
    await store?.close();
    await provider?.stop();
  });

  it("authorizedStore refuses what the permissions refuse and returns what they allow", async () => {
    const audit: AuditEntry[] = [];
    const analyst = authorizedStore(store, { username: "analyst", roles: [], groups: ["analytics"], namespaces: [] }, { audit: AuditLog.toArray(audit) });
    const read = await analyst.getOnlineFeatures({ features: ["user_transactions:txn_count_1h"], entityRows: { user_id: [1001] } });
    expect(read.featureNames).toContain("txn_count_1h");
    await expect(analyst.getOnlineFeatures({ features: ["user_credit:credit_score"], entityRows: { user_id: [1001] } })).rejects.toThrow(PermissionDeniedError);
    await expect(analyst.materialize(new Date(0), new Date(), { featureViews: ["user_transactions"] })).rejects.toThrow(/WRITE_ONLINE.*user_transactions/);
    expect(audit.map((a) => [a.operation, a.object, a.decision])).toEqual([
      ["api getOnlineFeatures", "FeatureView:user_transactions", "allowed"],
      ["api getOnlineFeatures", "FeatureView:user_credit", "denied"],
      ["api materialize", "FeatureView:user_transactions", "denied"],
    ]);
  });

  it("serves HTTPS with --key/--cert style files, tokens still required", async () => {
    const tls = await makeTlsFiles();
    const server = new FeatureServer(store, { tls: { key: await fs.readFile(tls.key), cert: await fs.readFile(tls.cert) }, authorize: serveGuardFor(store)!.check });
    const { port } = await server.listen(0, "127.0.0.1");
    const ask = (token?: string) => new Promise<number>((resolve, reject) => {
      const req = https.request({ host: "127.0.0.1", port, path: "/get-online-features", method: "POST", ca: readFileSync(tls.caCert), headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify(CASES[1].body));
    });
    try {
      expect(await ask()).toBe(401);
      expect(await ask(await provider.token("analyst"))).toBe(200);
    } finally {
      await server.close();
    }
  });
});
