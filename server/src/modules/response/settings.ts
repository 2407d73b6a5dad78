import type { AppContext } from "../../context.js";

/** Settings of the response module, read from the environment once per runtime. */
export interface ResponseSettings {
  /**
   * When set, the end of a response is also sent to this URL through the outbox (channel webhook),
   * one message per participating unit (000 §4.9: 通知参与事件处置的各相关单位).
   */
  notifyWebhookUrl: string | undefined;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ResponseSettings {
  return { notifyWebhookUrl: env.FENGHUO_RESPONSE_WEBHOOK_URL || undefined };
}

const byContext = new WeakMap<AppContext, ResponseSettings>();

export function responseSettings(ctx: AppContext): ResponseSettings {
  let s = byContext.get(ctx);
  if (!s) {
    s = settingsFromEnv();
    byContext.set(ctx, s);
  }
  return s;
}

/** Tests point the webhook at a local receiver. */
export function configureResponse(ctx: AppContext, patch: Partial<ResponseSettings>): void {
  byContext.set(ctx, { ...responseSettings(ctx), ...patch });
}
