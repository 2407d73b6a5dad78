import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit row that the hash covers: everything but the hash itself. */
export interface AuditFields {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  prev_hash: string;
}

/**
 * SHA-256 over a canonical JSON array of the row's fields. Including prev_hash and seq chains every
 * row to the one before it, so editing, deleting or reordering any row breaks every later hash.
 */
export function auditHash(row: AuditFields): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.actor_id,
    row.actor_name,
    row.action,
    row.entity_type,
    row.entity_id,
    row.before,
    row.after,
    row.request_id,
    row.prev_hash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks a run of rows in seq order that starts after (`startSeq`, `startHash`).
 * Returns the first break, or the last (seq, hash) to continue from.
 */
export function verifyRun(
  rows: Iterable<AuditFields & { hash: string }>,
  startSeq: number,
  startHash: string,
): { ok: true; seq: number; hash: string } | { ok: false; break: ChainBreak } {
  let expectedSeq = startSeq + 1;
  let prevHash = startHash;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        break: { seq: expectedSeq, reason: `第 ${expectedSeq} 条记录缺失（下一条为第 ${row.seq} 条）` },
      };
    }
    if (row.prev_hash !== prevHash) {
      return { ok: false, break: { seq: row.seq, reason: `第 ${row.seq} 条记录的前序哈希与上一条不符` } };
    }
    if (auditHash(row) !== row.hash) {
      return { ok: false, break: { seq: row.seq, reason: `第 ${row.seq} 条记录内容被修改（哈希不符）` } };
    }
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, seq: expectedSeq - 1, hash: prevHash };
}
