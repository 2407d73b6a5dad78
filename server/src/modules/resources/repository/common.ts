/** Helpers shared by the resources repositories. */
import type { Kysely } from "kysely";
import type { Db } from "../../../db/index.js";

export type Row = Record<string, unknown>;
export type LooseDb = Kysely<Record<string, Row>>;

/** Registry tables are chosen at run time from their description; their rows are plain records. */
export const loose = (db: Db): LooseDb => db as unknown as LooseDb;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
export const contains = (s: string) => `%${escapeLike(s)}%`;
