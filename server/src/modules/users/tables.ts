/** Tables of the users module beyond db/schema.ts's users, merged into the Database interface. */
export interface UserRoleTable {
  user_id: string;
  role: string;
}

declare module "../../db/schema.js" {
  interface Database {
    /** One row per user and role: the indexed form of users.roles (written together with it). */
    user_roles: UserRoleTable;
  }
}
