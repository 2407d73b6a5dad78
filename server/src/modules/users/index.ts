/** The users module's door: accounts, who holds which role, and the people who fill a plan's parties. */
export { hashPassword, verifyPassword } from "./password.js";
export { passwordProblems } from "./passwordPolicy.js";
export { userPolicy } from "./policy.js";
export {
  activeUsersOfUnits,
  displayNamesOf,
  findUserById,
  findUserByUsername,
  phonesOf,
  setLoginFailures,
  toSessionUser,
  type UserRow,
  unitMembers,
  userQuery,
  usersByIds,
  usersFilling,
  usersInUnits,
  usersWithRoles,
  usersWithRolesOrUnits,
} from "./repository.js";
export { registerUserRoutes } from "./routes.js";
export {
  assertPasswordAcceptable,
  changeOwnPassword,
  createUser,
  disableAccounts,
  type EndSessions,
} from "./service.js";
