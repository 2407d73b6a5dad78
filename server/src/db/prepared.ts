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

interface Compiled {
  sql: string;
  /** For each parameter of the SQL: the name of the value to pass, or a constant of the query. */
  slots: ({ name: string } | { constant: unknown })[];
}

/** Compiled SQL differs by dialect: one cache per database (its adapter is shared by its transactions). */
function cacheOf(db: Db, caches: WeakMap<object, Map<string, Compiled>>): Map<string, Compiled> {
  const adapter = db.getExecutor().adapter;
  let cache = caches.get(adapter);
  if (!cache) {
    cache = new Map();
    caches.set(adapter, cache);
  }
  return cache;
}

function compile(query: Compilable<unknown>): Compiled {
  const { sql, parameters } = query.compile();
  return {
    sql,
    slots: parameters.map((p) =>
      typeof p === "string" && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { constant: p },
    ),
  };
}

async function run<R>(db: Db, compiled: Compiled, value: (name: string) => unknown): Promise<R[]> {
  const parameters = compiled.slots.map((s) => ("name" in s ? value(s.name) : s.constant));
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
  const caches = new WeakMap<object, Map<string, Compiled>>();
  return (db, params) => {
    const cache = cacheOf(db, caches);
    let compiled = cache.get("");
    if (!compiled) {
      compiled = compile(build(db, placeholders as Placeholders<P>));
      cache.set("", compiled);
    }
    return run<R>(db, compiled, (name) => {
      const value = (params as Record<string, unknown>)[name];
      if (value === undefined) {
        throw new Error(`prepared query: no value for ${name}`);
      }
      return value;
    });
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
  const caches = new WeakMap<object, Map<string, Compiled>>();
  return async (db, rows) => {
    const cache = cacheOf(db, caches);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const columns = Object.keys(part[0] as Row);
      const key = `${part.length}:${columns.join(",")}`;
      let compiled = cache.get(key);
      if (!compiled) {
        const marked = part.map(
          (_, i) => Object.fromEntries(columns.map((c) => [c, `${MARK}${i}.${c}`])) as Row,
        );
        compiled = compile(insert(db, marked));
        cache.set(key, compiled);
      }
      await run(db, compiled, (name) => {
        const dot = name.indexOf(".");
        const value = (part[Number(name.slice(0, dot))] as Record<string, unknown>)[name.slice(dot + 1)];
        if (value === undefined) {
          throw new Error(`prepared insert: row ${name.slice(0, dot)} has no ${name.slice(dot + 1)}`);
        }
        return value;
      });
    }
  };
}
