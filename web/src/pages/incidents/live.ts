import { useEffect, useRef, useState } from "react";

const LIVE_TYPES = [
  "incident.created",
  "incident.updated",
  "incident.level_changed",
  "deadline.state",
  "report.filed",
  "instruction.recorded",
];

/** Server time minus browser time, learned from the stream's `ready` event (desks drift, drills move clocks). */
let serverOffsetMs = 0;

export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}

/**
 * Subscribes to GET /api/stream and calls `onChange` (at most every 300 ms) when an incident,
 * deadline or report changes, so lists and details update without reload. EventSource reconnects
 * by itself after a network blip; on reconnect the caller reloads once.
 */
export function useIncidentStream(onChange: (entityId: string) => void): boolean {
  const [connected, setConnected] = useState(false);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    const source = new EventSource("/api/stream");
    let timer: number | undefined;
    const pending = new Set<string>();
    const flush = () => {
      timer = undefined;
      for (const id of pending) {
        callback.current(id);
      }
      pending.clear();
    };
    const onEvent = (e: MessageEvent<string>) => {
      try {
        const data = JSON.parse(e.data) as { entityId?: string };
        pending.add(data.entityId ?? "*");
      } catch {
        pending.add("*");
      }
      timer ??= window.setTimeout(flush, 300);
    };
    source.addEventListener("ready", (e) => {
      try {
        const { at } = JSON.parse((e as MessageEvent<string>).data) as { at: string };
        serverOffsetMs = new Date(at).getTime() - Date.now();
      } catch {
        serverOffsetMs = 0;
      }
      setConnected(true);
      callback.current("*");
    });
    source.onerror = () => setConnected(false);
    for (const type of LIVE_TYPES) {
      source.addEventListener(type, onEvent as EventListener);
    }
    return () => {
      window.clearTimeout(timer);
      source.close();
    };
  }, []);
  return connected;
}

/** Re-renders every second with the server's current time, for countdowns. */
export function useServerNow(): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(serverNow()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}
