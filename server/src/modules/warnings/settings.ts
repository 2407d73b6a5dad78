/**
 * Deployment settings of the warnings module, from the environment (read when used, so a test or an
 * operator can change them without a restart):
 * - FENGHUO_WARNING_WEBHOOKS: comma-separated URLs that receive every warning message (CAP XML in the
 *   JSON payload) — e.g. the 12345 hotline system, outdoor screens, the media desk.
 * - FENGHUO_WARNING_UPSTREAM_URL: the city platform's intake (filing 备案 and cross-area reports).
 * - FENGHUO_PUBLIC_BASE_URL: absolute base of the public portal for links in the Atom feed.
 */
export interface WarningSettings {
  webhooks: string[];
  upstreamUrl: string | undefined;
  publicBaseUrl: string;
}

export function warningSettings(env: NodeJS.ProcessEnv = process.env): WarningSettings {
  return {
    webhooks: (env.FENGHUO_WARNING_WEBHOOKS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    upstreamUrl: env.FENGHUO_WARNING_UPSTREAM_URL || undefined,
    publicBaseUrl: (env.FENGHUO_PUBLIC_BASE_URL ?? "").replace(/\/$/, ""),
  };
}
