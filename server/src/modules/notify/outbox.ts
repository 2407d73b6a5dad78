import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { claimDue, insertOutbox, markFailed, markSent } from "./repository.js";
import type { OutboxTable } from "./tables.js";

export interface OutboundMessage {
  channel: string;
  recipient: string;
  /** Stable per message × recipient (e.g. `warning:42:v2:sms:13800000000`). */
  dedupeKey: string;
  subject?: string;
  body: string;
  payload?: Record<string, unknown>;
  sourceType?: string;
  sourceId?: string;
}

/**
 * Writes messages to the outbox inside the caller's transaction (the transactional outbox of
 * DESIGN §2): they exist if and only if the state change committed. A dedupe key seen before is
 * ignored, so enqueueing twice never sends twice. Returns how many rows were new.
 */
export async function enqueue(trx: Db, now: Date, messages: OutboundMessage[]): Promise<number> {
  let inserted = 0;
  const CHUNK = 500;
  for (let i = 0; i < messages.length; i += CHUNK) {
    const rows = messages.slice(i, i + CHUNK).map((m) => ({
      id: randomUUID(),
      channel: m.channel,
      recipient: m.recipient,
      dedupe_key: m.dedupeKey,
      subject: m.subject ?? null,
      body: m.body,
      payload: m.payload ?? {},
      source_type: m.sourceType ?? null,
      source_id: m.sourceId ?? null,
      state: "pending",
      attempts: 0,
      next_attempt_at: now.toISOString(),
      lease_until: null,
      last_error: null,
      created_at: now.toISOString(),
      sent_at: null,
    }));
    inserted += await insertOutbox(trx, rows);
  }
  return inserted;
}

/** Sends one message on one channel; throws to ask for a retry. */
export interface ChannelAdapter {
  channel: string;
  send(message: OutboxTable): Promise<void>;
}

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

/** Exponential backoff: 10 s, 20 s, 40 s … capped at 30 min. */
export function backoffMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Claims due messages with a lease and hands them to their channel adapters. A message whose
 * sender died mid-send becomes due again when its lease runs out; adapters pass the dedupe key to
 * the receiving service so a resend after a crash is recognised there. Claiming is a conditional
 * UPDATE, so with several instances each message is claimed by exactly one.
 */
export async function dispatchDue(
  ctx: AppContext,
  adapters: Map<string, ChannelAdapter>,
  options: { batch?: number; concurrency?: number } = {},
): Promise<number> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  const channels = [...adapters.keys()];
  if (channels.length === 0) {
    return 0;
  }
  const claimed = await claimDue(ctx.db, ctx.dialect, {
    channels,
    now: nowIso,
    leaseUntil,
    batch: options.batch ?? 500,
  });
  const queue = [...claimed];
  const sent: string[] = [];
  const failed: { msg: OutboxTable; error: unknown }[] = [];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 32, queue.length) }, async () => {
    for (let msg = queue.shift(); msg; msg = queue.shift()) {
      const adapter = adapters.get(msg.channel);
      try {
        if (!adapter) {
          throw new Error(`no adapter for channel ${msg.channel}`);
        }
        await adapter.send(msg);
        sent.push(msg.id);
      } catch (error) {
        failed.push({ msg, error });
      }
    }
  });
  await Promise.all(workers);
  await recordResults(ctx.db, sent, failed, ctx.clock.now());
  return claimed.length;
}

/**
 * Records a batch's outcomes in one transaction: one UPDATE for every message sent (one fsync for
 * the batch instead of one per message), one per failure (each has its own backoff). A crash before
 * this commit leaves the batch leased; it is resent after the lease, and the dedupe key lets the
 * receiver drop the duplicate — the same at-least-once contract as before, batched.
 */
async function recordResults(
  db: Db,
  sent: string[],
  failed: { msg: OutboxTable; error: unknown }[],
  now: Date,
): Promise<void> {
  if (sent.length === 0 && failed.length === 0) {
    return;
  }
  await db.transaction().execute(async (trx) => {
    await markSent(trx, sent, now.toISOString());
    for (const { msg, error } of failed) {
      const attempts = msg.attempts + 1;
      await markFailed(trx, msg.id, {
        state: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
        attempts,
        nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)).toISOString(),
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      });
    }
  });
}
