import type { AppContext } from "../../context.js";
import type { DuplicateSettings } from "./rules.js";

/** Settings of the duty desk (config.incidents). */
export interface IncidentSettings extends DuplicateSettings {
  /** When set, every overdue deadline is also sent to this URL through the outbox (channel webhook). */
  escalationWebhookUrl: string | undefined;
}

export function incidentSettings(ctx: AppContext): IncidentSettings {
  const { duplicateRadiusM, duplicateWindowMinutes, escalationWebhookUrl } = ctx.config.incidents;
  return { radiusM: duplicateRadiusM, windowMinutes: duplicateWindowMinutes, escalationWebhookUrl };
}
