import { smsSegments } from "../../../../shared/warnings.js";
import { postJson } from "./httpPost.js";
import type { ChannelAdapter } from "./outbox.js";
import type { OutboxTable } from "./tables.js";

export interface SmsGatewayOptions {
  /** The gateway's HTTP endpoint; each message is one POST. */
  endpoint: string;
  /** Messages per second the gateway accepts (operator contract); sends wait for a slot. */
  ratePerSecond?: number;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
  timeoutMs?: number;
}

/**
 * Paces sends to `ratePerSecond` (a token bucket refilled continuously). This throttles the real
 * wire, not a domain rule, so it runs on wall time.
 */
export function rateLimiter(ratePerSecond: number): () => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) {
      await new Promise((resolve) => setTimeout(resolve, at - now));
    }
  };
}

/**
 * SMS over an HTTP gateway. The body carries the text and its segments (Chinese: 70 characters in
 * one SMS, 67 per part when longer — shared/warnings.ts); `messageId` is the outbox dedupe key, also
 * sent as `Idempotency-Key`, so the gateway drops a resend after a crash mid-delivery. A 409 from the
 * gateway ("already have it") counts as delivered; any other non-2xx is retried with backoff.
 */
export function smsAdapter(options: SmsGatewayOptions): ChannelAdapter {
  const wait = rateLimiter(options.ratePerSecond ?? 50);
  return {
    channel: "sms",
    async send(msg: OutboxTable) {
      await wait();
      const segments = smsSegments(msg.body);
      const status = await postJson(
        options.endpoint,
        {
          messageId: msg.dedupe_key,
          to: msg.recipient,
          text: msg.body,
          segments,
          segmentCount: segments.length,
        },
        {
          "idempotency-key": msg.dedupe_key,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        options.timeoutMs ?? 10_000,
      );
      if ((status < 200 || status > 299) && status !== 409) {
        throw new Error(`SMS gateway ${status}`);
      }
    },
  };
}
