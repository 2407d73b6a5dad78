/** SQL of the upstream CAP messages relayed warnings came from (warning_relays, migration 0009). */
import type { Db } from "../../../db/index.js";
import type { WarningRelayTable } from "../tables.js";

/** The message with this CAP key (sender, identifier), if it was imported before. */
export function findRelay(
  db: Db,
  sender: string,
  identifier: string,
): Promise<WarningRelayTable | undefined> {
  return db
    .selectFrom("warning_relays")
    .selectAll()
    .where("sender", "=", sender)
    .where("identifier", "=", identifier)
    .executeTakeFirst();
}

/** The newest imported message among the CAP keys a message references (its `references`). */
export function newestReferenced(
  db: Db,
  refs: readonly { sender: string; identifier: string }[],
): Promise<WarningRelayTable | undefined> {
  if (refs.length === 0) {
    return Promise.resolve(undefined);
  }
  return db
    .selectFrom("warning_relays")
    .selectAll()
    .where((eb) =>
      eb.or(refs.map((r) => eb.and([eb("sender", "=", r.sender), eb("identifier", "=", r.identifier)]))),
    )
    .orderBy("created_at", "desc")
    .orderBy("sent", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function insertRelay(db: Db, row: WarningRelayTable): Promise<void> {
  await db.insertInto("warning_relays").values(row).execute();
}
