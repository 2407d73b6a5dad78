import { definePolicy, hasRole, predicate } from "../../authz/policy.js";

export interface UserResource {
  id: string;
}

const self = predicate<UserResource>("本人", (user, target) => user.id === target.id);
const admin = hasRole<UserResource>("admin");
// An administrator cannot lock themselves out; another administrator has to do it.
const otherAdmin = predicate<UserResource>(
  "其他系统管理员",
  (user, target) => admin(user, target) && user.id !== target.id,
);

/** Account administration is the system administrator's; everyone may read themselves. */
export const userPolicy = definePolicy<UserResource>("user", {
  list: [admin],
  read: [admin, self],
  create: [admin],
  update: [admin],
  resetPassword: [admin],
  disable: [otherAdmin],
});

export const tokenPolicy = definePolicy<{ userId: string }>("apiToken", {
  revoke: [hasRole("admin"), predicate("令牌所有人", (u, t) => u.id === t.userId)],
});
