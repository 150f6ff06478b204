import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../runtime/src/config";

const FILE = "/repo/feature_store.yaml";
const parse = (auth: unknown, extra: Record<string, unknown> = {}) =>
  parseRepoConfig({ project: "demo", registry: "data/registry.db", auth, ...extra }, "/repo", FILE);

describe("feature_store.yaml auth", () => {
  it("is no_auth when absent, as in Feast", () => {
    expect(parseRepoConfig({ project: "demo", registry: "r.db" }, "/repo", FILE).auth).toEqual({ type: "no_auth" });
  });

  it("reads Feast's OidcAuthConfig keys with Feast's defaults", () => {
    expect(parse({ type: "oidc", client_id: "feast", auth_discovery_url: "https://idp.example.com/.well-known/openid-configuration" }).auth).toEqual({
      type: "oidc", authDiscoveryUrl: "https://idp.example.com/.well-known/openid-configuration", clientId: "feast",
      verifySsl: true, jwksCacheLifespanSeconds: 300, jwksRequestTimeoutSeconds: 10,
      uiClientId: undefined, caCertPath: undefined, audience: undefined, issuer: undefined,
    });
    expect(parse({ type: "oidc", auth_discovery_url: "http://127.0.0.1:9/x", audience: "feast", issuer: "http://127.0.0.1:9", verify_ssl: false, jwks_cache_lifespan_seconds: 60 }).auth)
      .toMatchObject({ audience: "feast", issuer: "http://127.0.0.1:9", verifySsl: false, jwksCacheLifespanSeconds: 60 });
  });

  it.each([
    [{ type: "ldap" }, `${FILE}: auth.type "ldap" is not an auth type`],
    [{ type: "kubernetes" }, `${FILE}: auth.type kubernetes is not supported by Skewless`],
    [{ type: "oidc", client_id: "feast" }, `${FILE}: auth.auth_discovery_url is missing`],
    [{ type: "oidc", auth_discovery_url: "idp.example.com" }, `${FILE}: auth.auth_discovery_url "idp.example.com" is not an http(s) URL`],
    [{ type: "oidc", auth_discovery_url: "https://i/x", client_secret: "s3cret" }, `${FILE}: auth.client_secret is a client credential`],
    [{ type: "oidc", auth_discovery_url: "https://i/x", realm: "feast" }, `${FILE}: auth.realm is not a known key`],
    [{ type: "oidc", auth_discovery_url: "https://i/x", jwks_cache_lifespan_seconds: 0 }, `${FILE}: auth.jwks_cache_lifespan_seconds must be a number greater than 0`],
    [{ type: "no_auth", client_id: "x" }, `${FILE}: auth.client_id is not a key of no_auth`],
  ])("refuses %j, naming the file and key", (auth, message) => {
    expect(() => parse(auth)).toThrow(message);
  });

  it("never echoes a client secret it refuses", () => {
    expect(() => parse({ type: "oidc", auth_discovery_url: "https://i/x", client_secret: "s3cret" })).toThrow(expect.objectContaining({ message: expect.not.stringContaining("s3cret") }));
  });

  it("refuses a permissions key: permissions are registry objects", () => {
    expect(() => parse(undefined, { permissions: [{ name: "p" }] })).toThrow(`${FILE}: permissions is not a feature_store.yaml key`);
  });
});
