import { ConfigError } from "../../errors";

/**
 * The GCS emulator's base URL from STORAGE_EMULATOR_HOST, or undefined for GCS itself. Accepts the
 * forms the Google client libraries do: `host:port`, `http://host:port`, and a trailing
 * `/storage/v1`, which is dropped.
 */
export function gcsEmulatorEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.STORAGE_EMULATOR_HOST?.trim();
  if (!raw) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError("STORAGE_EMULATOR_HOST is not a host:port or URL", "e.g. STORAGE_EMULATOR_HOST=127.0.0.1:4443");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`STORAGE_EMULATOR_HOST must be http:// or https://, not ${url.protocol}//`, "e.g. STORAGE_EMULATOR_HOST=http://127.0.0.1:4443");
  }
  if (url.username || url.password) {
    throw new ConfigError("STORAGE_EMULATOR_HOST carries credentials in the URL", "remove them: emulators take no credentials");
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/storage\/v1$/, "");
  return `${url.protocol}//${url.host}${path}`;
}
