import { ConfigError } from "../../errors";

/** An S3 endpoint override and the variable it came from. */
export interface S3Endpoint {
  url: string;
  /** `FEAST_S3_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, or `option`. */
  source: string;
}

/**
 * The endpoint of an S3-compatible server (MinIO, moto, Ceph, R2, ...), or undefined for AWS.
 * Feast passes FEAST_S3_ENDPOINT_URL to boto3 explicitly, which beats the AWS_ENDPOINT_URL* variables
 * boto3 reads itself; the same order here lets one environment configure both. As in the AWS
 * SDKs, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the AWS_ variables off.
 */
export function resolveS3Endpoint(explicit: string | undefined, env: NodeJS.ProcessEnv): S3Endpoint | undefined {
  const candidates: Array<[string, string | undefined]> = [
    ["option", explicit],
    ["FEAST_S3_ENDPOINT_URL", env.FEAST_S3_ENDPOINT_URL],
  ];
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== "true") {
    candidates.push(["AWS_ENDPOINT_URL_S3", env.AWS_ENDPOINT_URL_S3], ["AWS_ENDPOINT_URL", env.AWS_ENDPOINT_URL]);
  }
  for (const [source, value] of candidates) {
    if (value === undefined || value.trim() === "") continue;
    return { url: validEndpoint(value.trim(), source), source };
  }
  return undefined;
}

/** An endpoint URL for messages: no user name or password, even if someone put them there. */
export function displayEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}

function validEndpoint(value: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${source} is not a URL`, "set it to the server's base URL, e.g. http://127.0.0.1:9000");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(`${source} (${displayEndpoint(value)}) must be an http:// or https:// URL`, "e.g. http://127.0.0.1:9000");
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(`${source} (${displayEndpoint(value)}) carries credentials in the URL`,
      "remove them: credentials come from the AWS default provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...)");
  }
  return value;
}
