import nodemailer from "nodemailer";
import type { ChannelAdapter } from "./outbox.js";
import type { OutboxTable } from "./tables.js";

export interface EmailOptions {
  /** SMTP URL, e.g. smtp://user:pass@mail.example.gov.cn:587 (smtps:// for implicit TLS). */
  smtpUrl: string;
  from: string;
}

/**
 * E-mail over SMTP (nodemailer). The Message-ID is derived from the outbox dedupe key, so a resend
 * after a crash carries the same Message-ID and mail systems can recognise the duplicate.
 */
export function emailAdapter(options: EmailOptions): ChannelAdapter {
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    channel: "email",
    async send(msg: OutboxTable) {
      await transport.sendMail({
        from: options.from,
        to: msg.recipient,
        subject: msg.subject ?? "烽火通知",
        text: msg.body,
        messageId: `<${Buffer.from(msg.dedupe_key).toString("base64url")}@fenghuo>`,
        headers: { "X-Fenghuo-Dedupe-Key": msg.dedupe_key },
      });
    },
  };
}
