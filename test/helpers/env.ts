/** Sets environment variables (undefined deletes one) for the duration of `action`, then restores them. */
export async function withEnv<T>(vars: Record<string, string | undefined>, action: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  setEnv(vars);
  try {
    return await action();
  } finally {
    setEnv(saved);
  }
}

/** Sets (or, for undefined, deletes) environment variables of this test process. */
export function setEnv(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
