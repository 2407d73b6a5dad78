import type { AppContext } from "../../context.js";
import type { DuplicateSettings } from "./rules.js";

/** Settings of the duty desk, read from the environment once per runtime. */
export interface IncidentSettings extends DuplicateSettings {
  /** When set, every overdue deadline is also sent to this URL through the outbox (channel webhook). */
  escalationWebhookUrl: string | undefined;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): IncidentSettings {
  return {
    escalationWebhookUrl: env.FENGHUO_ESCALATION_WEBHOOK_URL || undefined,
    radiusM: Number(env.FENGHUO_DUPLICATE_RADIUS_M ?? 500),
    windowMinutes: Number(env.FENGHUO_DUPLICATE_WINDOW_MINUTES ?? 180),
  };
}

const byContext = new WeakMap<AppContext, IncidentSettings>();

/** The settings of a runtime; tests override them with `configureIncidents`. */
export function incidentSettings(ctx: AppContext): IncidentSettings {
  let s = byContext.get(ctx);
  if (!s) {
    s = settingsFromEnv();
    byContext.set(ctx, s);
  }
  return s;
}

export function configureIncidents(ctx: AppContext, patch: Partial<IncidentSettings>): void {
  byContext.set(ctx, { ...incidentSettings(ctx), ...patch });
}
