/**
 * A resource made on first use and shared after (a client, a connection); a failed attempt is
 * forgotten, so the next use tries again instead of failing forever.
 */
export class Lazy<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly create: () => Promise<T>) {}

  get(): Promise<T> {
    this.pending ??= this.create().catch((e: unknown) => {
      this.pending = undefined;
      throw e;
    });
    return this.pending;
  }

  /** The resource if one was made or is being made (to close it); the next `get` makes a new one. */
  take(): Promise<T> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}
