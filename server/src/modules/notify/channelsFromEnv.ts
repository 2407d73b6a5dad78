import { emailAdapter } from "./email.js";
import type { ChannelAdapter } from "./outbox.js";
import { smsAdapter } from "./sms.js";

/**
 * Channel adapters configured by the environment. Without configuration a channel has no adapter
 * and its messages wait in the outbox (visible as pending) until one is configured.
 * - FENGHUO_SMS_URL, FENGHUO_SMS_RATE (messages/s, default 50), FENGHUO_SMS_TOKEN
 * - FENGHUO_SMTP_URL, FENGHUO_MAIL_FROM
 */
export function channelsFromEnv(env: NodeJS.ProcessEnv = process.env): [string, ChannelAdapter][] {
  const out: [string, ChannelAdapter][] = [];
  if (env.FENGHUO_SMS_URL) {
    out.push([
      "sms",
      smsAdapter({
        endpoint: env.FENGHUO_SMS_URL,
        ratePerSecond: Number(env.FENGHUO_SMS_RATE ?? 50),
        ...(env.FENGHUO_SMS_TOKEN ? { token: env.FENGHUO_SMS_TOKEN } : {}),
      }),
    ]);
  }
  if (env.FENGHUO_SMTP_URL) {
    out.push([
      "email",
      emailAdapter({
        smtpUrl: env.FENGHUO_SMTP_URL,
        from: env.FENGHUO_MAIL_FROM ?? "烽火预警 <noreply@fenghuo.local>",
      }),
    ]);
  }
  return out;
}
