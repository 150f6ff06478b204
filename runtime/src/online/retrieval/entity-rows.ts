import { InvalidArgumentError } from "../../errors";

/** Entity rows: one object per entity (`[{ user_id: 1 }]`), or columns (`{ user_id: [1, 2] }`). */
export type EntityRows = readonly Record<string, unknown>[] | Readonly<Record<string, readonly unknown[]>>;

/** Entity rows as columns: names in first-seen order and one value array per name. */
export interface EntityColumns {
  names: string[];
  columns: Map<string, readonly unknown[]>;
  rowCount: number;
}

/** Normalizes either shape to columns; every row must name the same columns. */
export function toEntityColumns(rows: EntityRows): EntityColumns {
  if (Array.isArray(rows)) {
    const list = rows as readonly Record<string, unknown>[];
    if (list.length === 0) return { names: [], columns: new Map(), rowCount: 0 };
    const names = Object.keys(list[0] ?? {});
    const columns = new Map<string, unknown[]>(names.map((n) => [n, new Array(list.length)]));
    for (let i = 0; i < list.length; i++) {
      const row = list[i];
      if (typeof row !== "object" || row === null) throw new InvalidArgumentError(`entityRows[${i}] is not an object`);
      const keys = Object.keys(row);
      if (keys.length !== names.length || keys.some((k) => !columns.has(k))) {
        throw new InvalidArgumentError(
          `entityRows[${i}] has columns ${keys.join(", ")}, but entityRows[0] has ${names.join(", ")}`,
          "give every entity row the same join keys",
        );
      }
      for (const k of keys) columns.get(k)![i] = row[k];
    }
    return { names, columns, rowCount: list.length };
  }
  if (typeof rows !== "object" || rows === null) throw new InvalidArgumentError("entityRows must be an array of rows or an object of columns");
  const record = rows as Readonly<Record<string, readonly unknown[]>>;
  const names = Object.keys(record);
  let rowCount: number | undefined;
  for (const n of names) {
    const column = record[n];
    if (!Array.isArray(column)) throw new InvalidArgumentError(`entityRows.${n} must be an array of values`);
    if (rowCount !== undefined && column.length !== rowCount) {
      throw new InvalidArgumentError(`entityRows.${n} has ${column.length} values, but entityRows.${names[0]} has ${rowCount}`);
    }
    rowCount = column.length;
  }
  return { names, columns: new Map(names.map((n) => [n, record[n]])), rowCount: rowCount ?? 0 };
}
