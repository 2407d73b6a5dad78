import { definePolicy, hasRole, predicate } from "../../authz/policy.js";

export interface UserResource {
  id: string;
}

const self = predicate<UserResource>("本人", (user, target) => user.id === target.id);
const admin = hasRole<UserResource>("admin");

/** Account administration is the system administrator's; everyone may read themselves. */
export const userPolicy = definePolicy<UserResource>("user", {
  list: [admin],
  read: [admin, self],
  create: [admin],
  update: [admin],
  resetPassword: [admin],
  disable: [admin],
});

export const tokenPolicy = definePolicy<{ userId: string }>("apiToken", {
  create: [predicate("已登录用户", () => true)],
  revoke: [hasRole("admin"), predicate("令牌所有人", (u, t) => u.id === t.userId)],
});
