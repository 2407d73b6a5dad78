import type { Config } from "../../config.js";
import type { AppContext } from "../../context.js";

/** Settings of the response module (config.response): `notifyWebhookUrl`, 000 §4.9. */
export type ResponseSettings = Config["response"];

export function responseSettings(ctx: AppContext): ResponseSettings {
  return ctx.config.response;
}
