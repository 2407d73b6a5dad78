/** The users module's door: accounts, who holds which role, and the people who fill a plan's parties. */
export { userPolicy } from "./policy.js";
export {
  findUserById,
  findUserByUsername,
  phonesOf,
  toSessionUser,
  type UserRow,
  userQuery,
  usersByIds,
  usersFilling,
  usersInUnits,
  usersWithRoles,
  usersWithRolesOrUnits,
} from "./repository.js";
export { registerUserRoutes } from "./routes.js";
export { createUser } from "./service.js";
