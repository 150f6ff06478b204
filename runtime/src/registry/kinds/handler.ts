import type { RegistryModel } from "../model";
import type { FlatSpec } from "./flat";

/** What every kind `skewless apply` writes offers: its readable form for plans. */
export interface FlatHandler<P> {
  /** The object as `skewless plan` diffs and prints it (strings for people, nothing else). */
  flatten(proto: P): FlatSpec;
}

/**
 * A kind Pulumi manages one object at a time: its structured spec (the resource's inputs), both
 * ways. `toProto(fromProto(p))` gives back `p`, byte for byte, for every object `skewless apply` writes.
 */
export interface SpecHandler<P, S> extends FlatHandler<P> {
  fromProto(proto: P): S;
  /**
   * The registry object `spec` describes, for `project`, validated by the definition classes (so a
   * spec fails with the messages `skewless plan` prints). Feature services embed their views, so
   * they look them up in `model`, the registry as it is now.
   */
  toProto(spec: S, project: string, model?: RegistryModel): P;
  /** Validates a spec without a registry (what `pulumi preview` can check before anything exists). */
  check(spec: S): void;
}
