import type { AppContext } from "../context.js";

/**
 * A sweep finds rows that are due at ctx.clock.now() and acts on them (mark a deadline overdue,
 * expire a warning, retry a delivery). Deadlines are rows, not timers: a sweep run at start-up
 * catches up on everything that fell due while the server was down. Each sweep must claim its rows
 * with a conditional UPDATE (… WHERE state = 'pending'), so with several PostgreSQL instances exactly
 * one of them acts on each row. Returns how many rows it handled.
 */
export type Sweep = (ctx: AppContext) => Promise<number>;

export class Scheduler {
  private sweeps = new Map<string, Sweep>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Record<string, number>> | undefined;

  register(name: string, sweep: Sweep): void {
    this.sweeps.set(name, sweep);
  }

  /** Runs every sweep once (tests call this after moving the clock; no sleeps). */
  async runOnce(ctx: AppContext): Promise<Record<string, number>> {
    // Never overlap: a tick that comes while a run is in progress waits for it.
    this.running ??= (async () => {
      const handled: Record<string, number> = {};
      for (const [name, sweep] of this.sweeps) {
        try {
          handled[name] = await sweep(ctx);
        } catch (error) {
          handled[name] = -1;
          console.error(`sweep ${name} failed:`, error);
        }
      }
      return handled;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(ctx: AppContext, intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.runOnce(ctx), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  async drain(): Promise<void> {
    this.stop();
    await this.running;
  }
}
