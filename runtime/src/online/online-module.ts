import type { InfraObjectProto } from "../registry/proto/types";
import type { EntityKeyVersion } from "./entity-key";
import type { OnlineStore, OnlineTable } from "./online-store";

/** Where a store's config comes from: the repo (relative paths) and a namer for its keys in errors. */
export interface OnlineConfigContext {
  repoPath: string;
  /** `where("online_store.path")` names the key as the file holds it, for error messages. */
  where: (key: string) => string;
}

/** What opening a store needs besides its own config. */
export interface OnlineOpenContext {
  project: string;
  entityKeySerializationVersion: EntityKeyVersion;
}

/**
 * The tables a store records in `registry.infra`, one infra object per feature view, as Feast's
 * `plan_infra` does. `apply` diffs them by name against what the registry records.
 */
export interface RecordedInfra {
  /** Feast's class name, e.g. `feast.infra.online_stores.sqlite.SqliteTable`. */
  classType: string;
  /** What the plan prints before a table name: `sqlite table`. */
  label: string;
  /** The object recorded for a view's table. */
  object(table: OnlineTable): InfraObjectProto;
  /** The table name an object records. */
  tableName(object: InfraObjectProto): string;
  /** The view a recorded table name belongs to; undefined when it is not this project's. */
  viewOf(tableName: string): string | undefined;
}

/**
 * One online backend: everything `online_store.type: <type>` means, in the backend's folder.
 * Listed once in online-stores.ts; config parsing, opening, `apply`'s infra plan and its
 * rendering all go through this.
 */
export interface OnlineStoreModule<C extends { type: string } = { type: string }> {
  readonly type: C["type"];
  /** Validates the `online_store` mapping (type included) and fills Feast's defaults. */
  parseConfig(spec: Record<string, unknown>, context: OnlineConfigContext): C;
  /** The store; connections open on first use. */
  open(config: C, context: OnlineOpenContext): OnlineStore;
  /**
   * The tables `apply` records, creates and deletes. A store without (Redis: keys are made by
   * writes) gets a plan that only says a removed view's data is deleted.
   */
  infra?(config: C, project: string): RecordedInfra;
}
