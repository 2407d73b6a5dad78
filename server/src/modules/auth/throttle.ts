import type { Config } from "../../config.js";

const SECOND = 1000;
/** Past this many remembered keys, forgotten ones are pruned (and then the oldest), to bound memory. */
const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  lastFailure: number;
  /** No attempt from this key is verified before this instant (ms). */
  blockedUntil: number;
}

export type ThrottleSettings = Pick<
  Config["auth"],
  "maxFailedLogins" | "lockoutMinutes" | "accountMaxFailedLogins" | "accountLoginDelaySeconds"
>;

/**
 * Failed-login throttling that never hands an attacker the owner's account (issue 14): waits are per
 * client address and username, doubling from 1 s after `maxFailedLogins` failures up to
 * `lockoutMinutes`, so another client — the owner at their desk — still signs in with the right
 * password. Across all clients an account with `accountMaxFailedLogins` recent failures is only
 * slowed: one attempt per `accountLoginDelaySeconds`, a wait that never grows.
 *
 * Unknown usernames are throttled exactly like real ones, so the answers do not tell them apart.
 * State is in this process's memory: a restart forgets it and each instance of a cluster counts
 * its own clients (a later issue shares it).
 */
export class LoginThrottle {
  private readonly clients = new Map<string, Entry>();
  private readonly accounts = new Map<string, Entry>();

  constructor(private readonly settings: ThrottleSettings) {}

  private get memoryMs(): number {
    return this.settings.lockoutMinutes * 60 * SECOND;
  }

  /** Seconds the client must wait before this attempt is even checked; 0 = go ahead. */
  waitSeconds(client: string, username: string, now: number): number {
    const blockedUntil = Math.max(
      this.current(this.clients, clientKey(client, username), now)?.blockedUntil ?? 0,
      this.current(this.accounts, username, now)?.blockedUntil ?? 0,
    );
    return blockedUntil > now ? Math.ceil((blockedUntil - now) / SECOND) : 0;
  }

  /** Counts a failed attempt (wrong password or unknown user) for the client and the account. */
  recordFailure(client: string, username: string, now: number): void {
    const { maxFailedLogins, accountMaxFailedLogins, accountLoginDelaySeconds } = this.settings;
    const mine = this.bump(this.clients, clientKey(client, username), now);
    if (mine.failures >= maxFailedLogins) {
      const delay = Math.min(2 ** (mine.failures - maxFailedLogins) * SECOND, this.memoryMs);
      mine.blockedUntil = now + delay;
    }
    const account = this.bump(this.accounts, username, now);
    if (account.failures >= accountMaxFailedLogins) {
      account.blockedUntil = Math.max(account.blockedUntil, now + accountLoginDelaySeconds * SECOND);
    }
  }

  /** The right password: this client's record for the account is cleared, and the account's. */
  recordSuccess(client: string, username: string): void {
    this.clients.delete(clientKey(client, username));
    this.accounts.delete(username);
  }

  private current(map: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const entry = map.get(key);
    if (entry && now - entry.lastFailure > this.memoryMs && entry.blockedUntil <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private bump(map: Map<string, Entry>, key: string, now: number): Entry {
    const entry = this.current(map, key, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    map.delete(key);
    map.set(key, entry);
    if (map.size > MAX_ENTRIES) {
      this.prune(map, now);
    }
    return entry;
  }

  private prune(map: Map<string, Entry>, now: number): void {
    for (const key of [...map.keys()]) {
      this.current(map, key, now);
    }
    // Still too many: drop the least recently failed (Map keeps insertion order; bump re-inserts).
    for (const key of map.keys()) {
      if (map.size <= MAX_ENTRIES) {
        break;
      }
      map.delete(key);
    }
  }
}

function clientKey(client: string, username: string): string {
  return `${client}\n${username}`;
}
