import type { ChannelAdapter } from "./outbox.js";
import { payloadOf } from "./repository.js";
import type { OutboxTable } from "./tables.js";

/**
 * HTTP webhook channel: POSTs the message as JSON to the recipient URL. The outbox dedupe key goes
 * in `Idempotency-Key` so a receiver can drop a resend that follows a crash mid-delivery.
 */
export function webhookAdapter(options: { timeoutMs?: number } = {}): ChannelAdapter {
  return {
    channel: "webhook",
    async send(msg: OutboxTable) {
      const res = await fetch(msg.recipient, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": msg.dedupe_key },
        body: JSON.stringify({
          id: msg.id,
          subject: msg.subject,
          body: msg.body,
          payload: payloadOf(msg),
          source: msg.source_type ? { type: msg.source_type, id: msg.source_id } : null,
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) {
        throw new Error(`webhook ${res.status}`);
      }
    },
  };
}
