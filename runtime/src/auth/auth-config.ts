import { ConfigError } from "../errors";

/** `auth: {type: no_auth}` (Feast's default): nobody is authenticated, nothing is enforced. */
export interface NoAuthConfig {
  type: "no_auth";
}

/** Feast's `OidcAuthConfig`: bearer tokens from an OpenID provider, verified against its JWKS. */
export interface OidcAuthConfig {
  type: "oidc";
  /** The provider's `.well-known/openid-configuration` URL. */
  authDiscoveryUrl: string;
  /** Roles are read from `resource_access.<clientId>.roles` as well as `roles`. */
  clientId?: string;
  /** Feast's UI login client; kept for the UI, unused by the server. */
  uiClientId?: string;
  verifySsl: boolean;
  /** A PEM file trusted for the provider's certificate. */
  caCertPath?: string;
  /** When set, tokens must carry this `aud`; unset, `aud` is not checked (as Feast). */
  audience?: string;
  /** When set, tokens must carry this `iss`; unset, the discovery document's `issuer` is required. */
  issuer?: string;
  jwksCacheLifespanSeconds: number;
  jwksRequestTimeoutSeconds: number;
}

export type AuthConfig = NoAuthConfig | OidcAuthConfig;

const OIDC_KEYS = [
  "type", "auth_discovery_url", "client_id", "ui_client_id", "verify_ssl", "ca_cert_path", "audience", "issuer",
  "jwks_cache_lifespan_seconds", "jwks_request_timeout_seconds",
];
/** Keys of Feast's client-side `OidcClientAuthConfig`: credentials a client sends, not a server's settings. */
const CLIENT_KEYS = ["client_secret", "username", "password", "token", "token_env_var", "token_refresh_margin_seconds"];

/** Validates feature_store.yaml's `auth:` (absent means `no_auth`, as in Feast). */
export function parseAuthConfig(raw: unknown, file: string): AuthConfig {
  const where = (key: string) => `${file}: auth${key ? `.${key}` : ""}`;
  if (raw === undefined || raw === null) return { type: "no_auth" };
  const spec = typeof raw === "string" ? { type: raw } : raw;
  if (typeof spec !== "object" || Array.isArray(spec)) throw new ConfigError(`${where("")} must be a mapping with a type`, "e.g. `auth: {type: oidc, client_id: feast, auth_discovery_url: https://.../.well-known/openid-configuration}`");
  const s = spec as Record<string, unknown>;
  const type = s.type ?? "no_auth";
  if (type === "no_auth") {
    for (const key of Object.keys(s)) if (key !== "type") throw new ConfigError(`${where(key)} is not a key of no_auth`, "no_auth takes no settings");
    return { type };
  }
  if (type === "kubernetes") {
    throw new ConfigError(`${where("type")} kubernetes is not supported by Skewless`, "Feast checks Kubernetes service-account tokens with the cluster's TokenReview and RBAC APIs; use type: oidc with your cluster's OIDC issuer, or feast serve");
  }
  if (type !== "oidc") throw new ConfigError(`${where("type")} ${JSON.stringify(type)} is not an auth type`, "use no_auth or oidc (Feast's kubernetes type is not supported)");
  for (const key of Object.keys(s)) {
    if (CLIENT_KEYS.includes(key)) {
      throw new ConfigError(`${where(key)} is a client credential (Feast's OidcClientAuthConfig), which a server has no use for`, "remove it from the server's feature_store.yaml; clients keep their credentials in their own config");
    }
    if (!OIDC_KEYS.includes(key)) throw new ConfigError(`${where(key)} is not a known key`, `known keys: ${OIDC_KEYS.join(", ")}`);
  }
  return {
    type,
    authDiscoveryUrl: url(s.auth_discovery_url, where("auth_discovery_url")),
    clientId: optionalString(s.client_id, where("client_id")),
    uiClientId: optionalString(s.ui_client_id, where("ui_client_id")),
    verifySsl: bool(s.verify_ssl ?? true, where("verify_ssl")),
    caCertPath: optionalString(s.ca_cert_path, where("ca_cert_path")) || undefined,
    audience: optionalString(s.audience, where("audience")),
    issuer: optionalString(s.issuer, where("issuer")),
    jwksCacheLifespanSeconds: positive(s.jwks_cache_lifespan_seconds ?? 300, where("jwks_cache_lifespan_seconds")),
    jwksRequestTimeoutSeconds: positive(s.jwks_request_timeout_seconds ?? 10, where("jwks_request_timeout_seconds")),
  };
}

function url(value: unknown, what: string): string {
  if (typeof value !== "string" || !/^https?:\/\/\S+$/.test(value)) {
    throw new ConfigError(`${what} ${value === undefined ? "is missing" : `${JSON.stringify(value)} is not an http(s) URL`}`, "the provider's discovery document, e.g. https://idp.example.com/realms/feast/.well-known/openid-configuration");
  }
  return value;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ConfigError(`${what} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new ConfigError(`${what} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function positive(value: unknown, what: string): number {
  if (typeof value !== "number" || !(value > 0)) throw new ConfigError(`${what} must be a number greater than 0, got ${JSON.stringify(value)}`);
  return value;
}
