import { type Compilable, CompiledQuery } from "kysely";
import type { Db } from "./index.js";

/**
 * Queries on the hot write path, built by Kysely once per database instead of once per call.
 *
 * Building and compiling a query costs Kysely as much CPU as SQLite spends running it; a registration
 * runs a dozen, every request looks up its session. So the query is built with named placeholder
 * values, compiled once, and each call passes its values in the order the compiled SQL wants them.
 * Kysely still writes every statement (quoting, dialect, returning); nothing here writes SQL.
 */

const MARK = "\u0000fenghuo:param:";

/** Placeholders by name: `p.id` stands for the value each call passes as `id`. */
export type Placeholders<P> = { readonly [K in keyof P]: P[K] };

/** Where a parameter's value comes from: a named value (of row `row` for inserts) or a constant. */
type Slot = { name: string; row: number } | { constant: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
  /** Inserts: how many columns each row must have. */
  columns: number;
}

/** Compiled SQL differs by dialect: one cache per database (its adapter is shared by its transactions). */
function cacheOf<K>(db: Db, caches: WeakMap<object, Map<K, Compiled>>): Map<K, Compiled> {
  const adapter = db.getExecutor().adapter;
  let cache = caches.get(adapter);
  if (!cache) {
    cache = new Map();
    caches.set(adapter, cache);
  }
  return cache;
}

/** Placeholders of inserts are `row.column`, those of other queries a plain name. */
function compile(query: Compilable<unknown>, columns = 0): Compiled {
  const { sql, parameters } = query.compile();
  const slots = parameters.map((p): Slot => {
    if (typeof p !== "string" || !p.startsWith(MARK)) {
      return { constant: p };
    }
    const name = p.slice(MARK.length);
    const dot = name.indexOf(".");
    return dot < 0 ? { name, row: 0 } : { name: name.slice(dot + 1), row: Number(name.slice(0, dot)) };
  });
  return { sql, slots, columns };
}

async function run<R>(db: Db, compiled: Compiled, rows: readonly object[]): Promise<R[]> {
  const parameters = compiled.slots.map((s) => {
    if ("constant" in s) {
      return s.constant;
    }
    const value = (rows[s.row] as Record<string, unknown>)[s.name];
    if (value === undefined) {
      throw new Error(
        compiled.columns > 0
          ? `prepared insert: row ${s.row} has no ${s.name}`
          : `prepared query: no value for ${s.name}`,
      );
    }
    return value;
  });
  const result = await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
  return result.rows;
}

const placeholders = new Proxy(
  {},
  {
    get: (_target, name) => `${MARK}${String(name)}`,
  },
);

/**
 * A query with named parameters, compiled once per database. `build` must use each placeholder as a
 * plain value (not as a list for `in`, not inside JSON): it is the value Kysely sends as a parameter.
 */
export function prepared<P extends object, R>(
  build: (db: Db, p: Placeholders<P>) => Compilable<R>,
): (db: Db, params: P) => Promise<R[]> {
  const caches = new WeakMap<object, Map<"query", Compiled>>();
  return (db, params) => {
    const cache = cacheOf(db, caches);
    let compiled = cache.get("query");
    if (!compiled) {
      compiled = compile(build(db, placeholders as Placeholders<P>));
      cache.set("query", compiled);
    }
    return run<R>(db, compiled, [params]);
  };
}

/**
 * Inserts rows that all have the same columns (whole table rows), with the statement compiled once
 * per database and row count. Large sets go in chunks of `chunk` rows.
 */
export function preparedInsert<Row extends object>(
  insert: (db: Db, rows: Row[]) => Compilable<unknown>,
  chunk = 200,
): (db: Db, rows: readonly Row[]) => Promise<void> {
  const caches = new WeakMap<object, Map<number, Compiled>>();
  return async (db, rows) => {
    const cache = cacheOf(db, caches);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      let compiled = cache.get(part.length);
      if (!compiled) {
        const columns = Object.keys(part[0] as Row);
        const marked = part.map(
          (_, i) => Object.fromEntries(columns.map((c) => [c, `${MARK}${i}.${c}`])) as Row,
        );
        compiled = compile(insert(db, marked), columns.length);
        cache.set(part.length, compiled);
      }
      // Values are taken by column name; a row with a column the statement lacks would lose it.
      const extra = part.findIndex((r) => Object.keys(r).length > (compiled as Compiled).columns);
      if (extra >= 0) {
        throw new Error(`prepared insert: row ${extra} has columns the statement does not insert`);
      }
      await run(db, compiled, part);
    }
  };
}
