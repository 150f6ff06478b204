import * as path from "node:path";
import { ConfigError } from "../../errors";
import { checkKeys } from "../config-keys";
import type { OnlineStoreModule } from "../online-module";
import { SqliteOnlineStore } from "./sqlite-online-store";
import { tableName } from "./sqlite-sql";

/** `online_store: type: sqlite`, Feast's SqliteOnlineStoreConfig. */
export interface SqliteOnlineStoreConfig {
  type: "sqlite";
  /** Absolute path of the SQLite database. */
  path: string;
}

/** Feast's class name for SQLite tables in `registry.infra`. */
export const SQLITE_TABLE_CLASS = "feast.infra.online_stores.sqlite.SqliteTable";

/** A file beside the registry (Feast's default `data/online.db`); every view a table `{project}_{view}`, recorded in `registry.infra`. */
export const sqliteModule: OnlineStoreModule<SqliteOnlineStoreConfig> = {
  type: "sqlite",
  parseConfig(spec, { repoPath, where }) {
    checkKeys(spec, ["type", "path"], where);
    const p = spec.path ?? "data/online.db";
    if (typeof p !== "string") throw new ConfigError(`${where("online_store.path")} must be a path`);
    return { type: "sqlite", path: path.resolve(repoPath, p) };
  },
  open: (config, { project }) => new SqliteOnlineStore(config.path, project),
  infra(config, project) {
    const prefix = `${project}_`;
    return {
      classType: SQLITE_TABLE_CLASS,
      label: "sqlite table",
      object: (table) => ({ infra_object_class_type: SQLITE_TABLE_CLASS, sqlite_table: { path: config.path, name: tableName(project, table.name) } }),
      tableName: (object) => object.sqlite_table?.name ?? "",
      viewOf: (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined),
    };
  },
};
