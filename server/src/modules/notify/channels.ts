import type { Config } from "../../config.js";
import { emailAdapter } from "./email.js";
import type { ChannelAdapter } from "./outbox.js";
import { smsAdapter } from "./sms.js";

/**
 * Channel adapters of the configured SMS gateway and SMTP server. Without configuration a channel
 * has no adapter and its messages wait in the outbox (visible as pending) until one is configured.
 */
export function configuredChannels(config: Pick<Config, "sms" | "mail">): [string, ChannelAdapter][] {
  const out: [string, ChannelAdapter][] = [];
  if (config.sms.url) {
    out.push([
      "sms",
      smsAdapter({
        endpoint: config.sms.url,
        ratePerSecond: config.sms.rate,
        ...(config.sms.token ? { token: config.sms.token } : {}),
      }),
    ]);
  }
  if (config.mail.smtpUrl) {
    out.push(["email", emailAdapter({ smtpUrl: config.mail.smtpUrl, from: config.mail.from })]);
  }
  return out;
}
