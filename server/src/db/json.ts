/**
 * One codec per JSON column (STYLE: JSON columns are parsed by one codec per column inside the
 * repository, so services see typed rows). `decode` checks the stored text against the column's
 * schema: a row that does not match is a bug or a tampered database, and fails loudly by column.
 */
import type { Static, TSchema } from "typebox";
import { Value } from "typebox/value";

export interface JsonColumn<T> {
  encode(value: T): string;
  decode(text: string): T;
}

export class JsonColumnError extends Error {
  constructor(column: string, detail: string) {
    super(`JSON 列 ${column} 的内容与其结构不符：${detail}`);
    this.name = "JsonColumnError";
  }
}

/** A codec for the column `name` (e.g. "warnings.division_codes") holding values of `schema`. */
export function jsonColumn<S extends TSchema>(name: string, schema: S): JsonColumn<Static<S>> {
  return {
    encode: (value) => JSON.stringify(value),
    decode: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new JsonColumnError(name, (err as Error).message);
      }
      if (!Value.Check(schema, parsed)) {
        const first = Value.Errors(schema, parsed)[0];
        throw new JsonColumnError(name, first ? `${first.instancePath || "/"} ${first.message}` : "结构不符");
      }
      return parsed as Static<S>;
    },
  };
}
