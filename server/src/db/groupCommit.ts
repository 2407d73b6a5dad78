import type { ControlledTransaction } from "kysely";
import type { Db } from "./index.js";
import type { Database } from "./schema.js";

type Work = (trx: Db) => Promise<unknown>;

interface Job {
  work: Work;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Commands that arrive while a commit is in flight share the next one; more than this wait again. */
const MAX_BATCH = 256;

/**
 * Group commit for the embedded SQLite database. Every commit with synchronous=FULL costs an fsync,
 * and SQLite runs one writer at a time anyway; so the commands that queue up while one commit is in
 * progress run back to back in ONE transaction, each inside its own savepoint, and are acknowledged
 * together after a single fsync. A failing command rolls back to its savepoint and fails alone; the
 * others still commit. Under light load a batch holds one command and this is a plain transaction.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private draining = false;

  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // better-sqlite3 is synchronous: once a batch starts, no socket is read until it ends. Starting
        // after the current I/O phase lets every request that arrived in it join this batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.runBatch(this.queue.splice(0, MAX_BATCH));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: Job[]): Promise<void> {
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const job of batch) {
        job.reject(error);
      }
      return;
    }
    const outcomes: { job: Job; ok: boolean; value: unknown }[] = [];
    for (const job of batch) {
      const point = await trx.savepoint("command").execute();
      try {
        const value = await job.work(point);
        await point.releaseSavepoint("command").execute();
        outcomes.push({ job, ok: true, value });
      } catch (error) {
        await point.rollbackToSavepoint("command").execute();
        await point.releaseSavepoint("command").execute();
        outcomes.push({ job, ok: false, value: error });
      }
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const job of batch) {
        job.reject(error);
      }
      return;
    }
    for (const { job, ok, value } of outcomes) {
      if (ok) {
        job.resolve(value);
      } else {
        job.reject(value);
      }
    }
  }
}
