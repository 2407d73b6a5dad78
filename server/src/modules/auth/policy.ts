import { check, definePolicy, hasRole } from "../../authz/policy.js";

export interface TokenResource {
  userId: string;
  revokedAt: string | null;
}

const admin = hasRole("admin");

/** A token is revoked once, by its owner or by the system administrator. */
export const tokenPolicy = definePolicy<"revoke", TokenResource>("apiToken", {
  revoke: {
    by: [admin, check("令牌所有人", (u, t) => u.id === t.userId)],
    state: (t) => (t.revokedAt ? "令牌已吊销" : undefined),
  },
});

/** The system administrator sees every user's tokens; everyone else sees their own. */
export const tokenListPolicy = definePolicy<"listAll", Record<string, never>>("apiTokens", {
  listAll: { by: [admin] },
});
