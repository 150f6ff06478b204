import type { ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../runtime/src/auth/enforcer";
import { CASES, EXPECTED, forgedTokens, freePort, makeAuthRepo, post, PRINCIPALS, runMatrix, startServer } from "../helpers/auth-matrix";
import { ensureFeast, FEAST_VENV, feastCheck } from "../helpers/feast";
import { startOidcProvider, type OidcProviderHandle } from "../helpers/oidc-provider";
import { REPO_ROOT, run } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// Feast 0.66's own `feast serve`, with the same feature_store.yaml auth, the same registry (its
// permissions written by `skewless apply`) and tokens from the same real OpenID provider, gives the
// allow/deny matrix skewless serve gives (test/auth/serve-auth.test.ts asserts the same EXPECTED).
// Feast's pinned environment lacks `cryptography`, without which PyJWT refuses every RS256 token
// (MissingCryptographyError, answered as 401): scripts/setup-feast-auth-extras.sh installs it beside
// the venv and the test puts it on feast serve's PYTHONPATH.

beforeAll(ensureFeast, 15 * 60_000);

describe("feast serve agrees with skewless serve on who may do what", () => {
  const root = tempDir();
  let provider: OidcProviderHandle;
  let repo = "";
  let base = "";
  let feast: { child: ChildProcess; output: () => string } | undefined;

  beforeAll(async () => {
    provider = await startOidcProvider(PRINCIPALS);
    repo = await makeAuthRepo(root, provider);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const extras = await run("bash", [path.join(REPO_ROOT, "scripts", "setup-feast-auth-extras.sh")], { timeoutMs: 600_000 });
    if (extras.code !== 0) throw new Error(extras.stderr);
    feast = await startServer(path.join(FEAST_VENV, "bin", "feast"), ["serve", "--host", "127.0.0.1", "--port", String(port), "--workers", "1"], repo, base, {
      PYTHONPATH: extras.stdout.trim(),
    });
  }, 15 * 60_000);

  afterAll(async () => {
    feast?.child.kill("SIGTERM");
    await provider?.stop();
  });

  it("gives the same status for every principal on every endpoint", async () => {
    expect(await runMatrix(base, provider)).toEqual(EXPECTED);
  }, 600_000);

  it("answers a missing and a malformed token with the same 401 bodies", async () => {
    const read = CASES[1];
    expect(await post(base, read.path, read.body)).toEqual({ status: 401, text: JSON.stringify({ detail: "Invalid or expired access token" }) });
    expect(await post(base, read.path, read.body, "not-a-jwt")).toEqual({ status: 401, text: JSON.stringify({ detail: "Invalid or expired access token" }) });
  });

  it("refuses the same forged tokens with 401", async () => {
    for (const { label, token } of await forgedTokens(await provider.token("analyst"))) {
      expect((await post(base, CASES[0].path, CASES[0].body, token)).status, label).toBe(401);
    }
  });

  it("refuses an expired token and follows a key rotation without a restart", async () => {
    const shortLived = await provider.token("shortlived");
    const read = CASES[1];
    expect((await post(base, read.path, read.body, shortLived)).status).toBe(200);
    const kid = await provider.rotate();
    const rotated = await provider.token("risk");
    expect(decodeProtectedHeader(rotated).kid).toBe(kid);
    // PyJWT refetches the JWKS for an unknown kid at most every 30 s after a fetch (its cooldown):
    // a rotated key is picked up by feast serve within 30 s (by skewless serve within 5 s).
    await new Promise((r) => setTimeout(r, 31_000));
    expect((await post(base, read.path, read.body, rotated)).status).toBe(200);
    expect((await post(base, read.path, read.body, shortLived)).status).toBe(401);
  }, 90_000);

  it("refuses with the same FeastPermissionError text", async () => {
    const refused = await post(base, CASES[0].path, CASES[0].body, await provider.token("analyst"));
    expect(refused.status).toBe(403);
    expect(JSON.parse(JSON.parse(refused.text) as string)).toEqual({
      module: "feast.errors", class: "FeastPermissionError",
      message: "Permission error:\nPermission risk_read denied execution of ['READ_ONLINE'] to FeatureView:user_credit: Requires roles ['risk_officer']",
    });
  });
});

describe("where Skewless decides differently from Feast 0.66, on purpose (both stricter)", () => {
  const root = tempDir();
  const analyst = { name: "analyst", groups: ["analytics"] };
  const principal = { username: "analyst", roles: [], groups: ["analytics"], namespaces: [] };
  const piiView = { type: "FeatureView" as const, name: "user_credit", tags: { team: "risk", pii: "true" } };
  let repo = "";

  beforeAll(async () => {
    const provider = await startOidcProvider(PRINCIPALS);
    repo = await makeAuthRepo(root, provider);
    await provider.stop();
  }, 15 * 60_000);

  const feastDecides = async (specs: unknown[], cases: unknown[]) => {
    await fs.writeFile(path.join(root, "specs.json"), JSON.stringify(specs));
    await fs.writeFile(path.join(root, "cases.json"), JSON.stringify(cases));
    return feastCheck<{ allowed: boolean }[]>("permissions_check.py", ["decide", repo, path.join(root, "specs.json"), path.join(root, "cases.json")]);
  };

  it("requiredTags: Feast 0.66 lets a permission requiring pii=false cover a view tagged pii=true; Skewless compares the tags", async () => {
    const nonPii = { name: "non_pii_read", types: ["FeatureView"], namePatterns: [], requiredTags: { pii: "false" }, actions: ["READ_ONLINE"], policy: { type: "groupBased", groups: ["analytics"] }, tags: {} };
    const [feastDecision] = await feastDecides([nonPii], [{ user: analyst, view: "user_credit", actions: ["READ_ONLINE"] }]);
    expect(feastDecision.allowed).toBe(true);   // Feast looks for `resource.required_tags`, which views lack, and matches
    const ours = decide([{ ...nonPii, policy: { type: "groupBased", groups: ["analytics"] } }], principal, piiView, ["READ_ONLINE"]);
    expect(ours.allowed).toBe(false);
  }, 300_000);

  it("no permissions at all: Feast 0.66 lets every authenticated caller through; Skewless denies", async () => {
    const [feastDecision] = await feastDecides([], [{ user: analyst, view: "user_credit", actions: ["READ_ONLINE"] }]);
    expect(feastDecision.allowed).toBe(true);
    expect(decide([], principal, piiView, ["READ_ONLINE"]).allowed).toBe(false);
  }, 300_000);
});
