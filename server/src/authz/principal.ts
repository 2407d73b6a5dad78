import type { Role } from "../../../shared/roles.js";

/** The signed-in user as every policy and command sees it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  roles: Role[];
  /** Categories (分类) a district leader is in charge of (分管). */
  categories: string[];
  locale: string;
}

export interface Principal {
  user: SessionUser;
  via: "session" | "token";
  sessionId?: string;
  csrfToken?: string;
  /** Bearer-token scopes; sessions may do everything their roles allow. */
  scopes?: string[];
}
