import { sql } from "kysely";
import type { Db, Dialect } from "../../db/index.js";
import { prepared, preparedInsert } from "../../db/prepared.js";
import type { AuditLogTable } from "../../db/schema.js";
import { auditHash, type ChainBreak, GENESIS_HASH, verifyRun } from "./chain.js";

export interface AuditEntry {
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Appends one row to the hash chain. Must run inside the transaction that makes the change, so the
 * change and its audit row commit or roll back together. The head row is locked (FOR UPDATE on
 * PostgreSQL; SQLite serialises writers) so concurrent appenders cannot fork the chain.
 */
export async function appendAudit(trx: Db, dialect: Dialect, at: Date, entry: AuditEntry): Promise<number> {
  const [head] = await (dialect === "postgres" ? lockHead : readHead)(trx, {});
  if (!head) {
    throw new Error("audit_head row missing");
  }
  const row = {
    seq: Number(head.seq) + 1,
    at: at.toISOString(),
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: json(entry.before),
    after: json(entry.after),
    request_id: entry.requestId ?? null,
    prev_hash: head.hash,
  };
  const hash = auditHash(row);
  await insertAuditRow(trx, [{ ...row, hash }]);
  await moveHead(trx, { seq: row.seq, hash });
  return row.seq;
}

const headQuery = (db: Db) => db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1);
const readHead = prepared((db) => headQuery(db));
const lockHead = prepared((db) => headQuery(db).forUpdate());
const insertAuditRow = preparedInsert<AuditLogTable>((db, rows) => db.insertInto("audit_log").values(rows));
const moveHead = prepared<{ seq: number; hash: string }, unknown>((db, p) =>
  db.updateTable("audit_head").set({ seq: p.seq, hash: p.hash }).where("id", "=", 1),
);

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Return rows with seq below this (newest first paging). */
  beforeSeq?: number | undefined;
  limit: number;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditLogTable[]> {
  return db
    .selectFrom("audit_log")
    .selectAll()
    .$if(f.entityType !== undefined, (q) => q.where("entity_type", "=", f.entityType ?? ""))
    .$if(f.entityId !== undefined, (q) => q.where("entity_id", "=", f.entityId ?? ""))
    .$if(f.actorId !== undefined, (q) => q.where("actor_id", "=", f.actorId ?? ""))
    .$if(f.action !== undefined, (q) => q.where("action", "=", f.action ?? ""))
    .$if(f.from !== undefined, (q) => q.where("at", ">=", f.from ?? ""))
    .$if(f.to !== undefined, (q) => q.where("at", "<", f.to ?? ""))
    .$if(f.beforeSeq !== undefined, (q) => q.where("seq", "<", f.beforeSeq ?? 0))
    .orderBy("seq", "desc")
    .limit(f.limit)
    .execute();
}

export type VerifyResult = { ok: true; rows: number } | { ok: false; rows: number; break: ChainBreak };

/** Walks the whole chain in pages and checks it against the head row (which catches a deleted tail). */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  let seq = 0;
  let hash = GENESIS_HASH;
  for (;;) {
    const page = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", seq)
      .orderBy("seq")
      .limit(pageSize)
      .execute();
    if (page.length === 0) {
      break;
    }
    const result = verifyRun(
      page.map((r) => ({ ...r, seq: Number(r.seq) })),
      seq,
      hash,
    );
    if (!result.ok) {
      return { ok: false, rows: seq, break: result.break };
    }
    seq = result.seq;
    hash = result.hash;
  }
  const head = await db
    .selectFrom("audit_head")
    .select(["seq", "hash"])
    .where("id", "=", 1)
    .executeTakeFirst();
  if (!head || Number(head.seq) !== seq || head.hash !== hash) {
    const missing = seq + 1;
    return {
      ok: false,
      rows: seq,
      break: {
        seq: missing,
        reason: `链尾记录缺失：链头指向第 ${head?.seq ?? "?"} 条，实际只到第 ${seq} 条`,
      },
    };
  }
  return { ok: true, rows: seq };
}

/** Count of rows (tests check that a refused import wrote nothing, not even audit rows). */
export async function auditCount(db: Db): Promise<number> {
  const r = await db.selectFrom("audit_log").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}
