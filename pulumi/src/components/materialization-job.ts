/** The environment variable the materialization job reads the online store's connection string from. */
export const CONNECTION_ENV = "SKEWLESS_REDIS_CONNECTION";
/** The environment variable carrying feature_store.yaml (with `${SKEWLESS_REDIS_CONNECTION}`, no secret). */
export const CONFIG_ENV = "SKEWLESS_FEATURE_STORE_YAML";
/** The environment variable carrying the Redis server's CA certificate (PEM), when the cloud has its own CA. */
export const CA_ENV = "SKEWLESS_REDIS_CA_CERT";
/** Where the job writes that certificate, inside the repo folder. */
export const CA_FILE = "redis-ca.pem";
/** Where the job's image holds the feature repo, by default. */
export const DEFAULT_REPO_DIR = "/feature_repo";
/** Every hour, as the demo's hourly features want. */
export const DEFAULT_SCHEDULE = { aws: "rate(1 hour)", gcp: "0 * * * *" } as const;

/**
 * The job's command: write the deployment's feature_store.yaml into the repo the image carries, then
 * materialize everything new up to now. The secret stays in the environment, where the cloud's
 * secret store puts it; feature_store.yaml names it as `${SKEWLESS_REDIS_CONNECTION}`.
 */
export function materializeCommand(repoDir = DEFAULT_REPO_DIR): string[] {
  return withConfig(repoDir, 'materialize-incremental "$(date -u +%Y-%m-%dT%H:%M:%SZ)"');
}

/** Port `skewless serve` listens on inside its container (Feast's default). */
export const SERVE_PORT = 6566;

/** The feature server's command: the same feature_store.yaml (and CA) step, then `skewless serve` on all interfaces. */
export function serveCommand(repoDir = DEFAULT_REPO_DIR): string[] {
  return withConfig(repoDir, `serve --host 0.0.0.0 --port ${SERVE_PORT}`);
}

function withConfig(repoDir: string, command: string): string[] {
  const repo = JSON.stringify(repoDir);
  return [
    "sh", "-c",
    `printf '%s' "$${CONFIG_ENV}" > ${repo}/feature_store.yaml && ` +
      `{ [ -z "$${CA_ENV}" ] || printf '%s' "$${CA_ENV}" > ${repo}/${CA_FILE}; } && ` +
      `exec skewless -C ${repo} ${command}`,
  ];
}

/**
 * How a scheduled materialization recovers, and when people hear about it. A run that fails is
 * picked up by the next scheduled one (materialize-incremental starts from where the last good run
 * ended), so the defaults alarm on repeated failure, not on the first.
 */
export interface MaterializationRecovery {
  /** Retries, with exponential backoff, of a run that failed (see each cloud for what counts as one); default 3. */
  retries?: number;
  /** Failed runs within `alarmWindowSeconds` that raise the alarm; default 2. */
  failuresToAlarm?: number;
  /** Default 3 hours (three hourly runs). */
  alarmWindowSeconds?: number;
}

export const RECOVERY_DEFAULTS = { retries: 3, failuresToAlarm: 2, alarmWindowSeconds: 3 * 3600 } as const;
