import { check, definePolicy, hasRole } from "../../authz/policy.js";

export interface UserResource {
  id: string;
}

const self = check<UserResource>("本人", (user, target) => user.id === target.id);
const admin = hasRole<UserResource>("admin");
// An administrator cannot lock themselves out; another administrator has to do it.
const otherAdmin = check<UserResource>(
  "其他系统管理员",
  (user, target) => admin.test(user, target) && user.id !== target.id,
);

/** Account administration is the system administrator's; everyone may read themselves. */
export const userPolicy = definePolicy<
  "list" | "read" | "create" | "update" | "resetPassword" | "disable",
  UserResource
>("user", {
  list: { by: [admin] },
  read: { by: [admin, self] },
  create: { by: [admin] },
  update: { by: [admin] },
  resetPassword: { by: [admin] },
  disable: { by: [otherAdmin] },
});
