/** An incident's timeline as commands write it: entries of one command, in order within one instant. */
import type { Db } from "../../db/index.js";
import type { CommandScope } from "../../http/command.js";
import { newId } from "../../ids.js";
import { type IncidentEvent, insertEvents, lastEventOrd } from "./repository.js";

/** Timeline entries of one command, ordered within the same instant. */
export class Timeline {
  private ord = 0;
  readonly rows: IncidentEvent[] = [];

  constructor(
    private readonly now: Date,
    private readonly actor: { id: string; name: string } | undefined,
  ) {}

  add(incidentId: string, type: string, summary: string, data: Record<string, unknown> = {}): void {
    this.rows.push({
      id: newId(),
      incident_id: incidentId,
      at: this.now.toISOString(),
      ord: this.ord++,
      type,
      summary,
      actor_id: this.actor?.id ?? null,
      actor_name: this.actor?.name ?? null,
      data,
    });
  }

  /** Continues each incident's order after its last entry, so same-instant entries keep their order. */
  async flush(trx: Db): Promise<void> {
    const incidents = [...new Set(this.rows.map((r) => r.incident_id))];
    const last = new Map((await lastEventOrd(trx, incidents)).map((r) => [r.incident_id, Number(r.ord)]));
    for (const row of this.rows) {
      row.ord += (last.get(row.incident_id) ?? -1) + 1;
    }
    await insertEvents(trx, this.rows);
  }
}

/** The timeline of a command, written in the name of its user. */
export function timelineFor(scope: CommandScope): Timeline {
  const user = scope.principal?.user;
  return new Timeline(scope.now, user ? { id: user.id, name: user.displayName } : undefined);
}
