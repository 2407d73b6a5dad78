/** What every command of the module checks first: the caller, and field problems as one 400. */
import type { SessionUser } from "../../authz/principal.js";
import { badRequest, type FieldError, unauthorized } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";

export const MINUTE = 60_000;

/** A 400 naming every field problem at once. */
export function fail(errors: FieldError[]): never {
  throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
}

/** The user a command acts for: commands are authorized, so one without a user is refused. */
export function actorOf(scope: CommandScope, actor?: SessionUser): SessionUser {
  const user = actor ?? scope.principal?.user;
  if (!user) {
    throw unauthorized();
  }
  return user;
}
