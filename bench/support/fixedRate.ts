import http from "node:http";

export interface FixedRateOptions {
  url: string;
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: (i: number) => string;
  /** Requests per second offered, whatever the server answers. */
  rate: number;
  connections: number;
  /** Sent at the same rate before measuring starts (JIT, caches), not counted. */
  warmupS: number;
  durationS: number;
}

export interface FixedRateResult {
  measured: number;
  non2xx: number;
  /** Answers per second over the measured part. */
  achieved: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Open-loop load at a fixed rate, as wrk2 does it: request k is due at start + k / rate whether or not
 * earlier answers have come back, and its latency counts from that due time. A server that stalls
 * therefore shows its queue in the figures instead of quietly slowing the senders down (the
 * "coordinated omission" of closed-loop tools such as autocannon).
 */
export async function fixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.url);
  const total = Math.round(options.rate * (options.warmupS + options.durationS));
  const warmup = Math.round(options.rate * options.warmupS);
  const latencies: number[] = [];
  let non2xx = 0;
  let done = 0;
  let sent = 0;
  let firstMeasured = 0;
  let lastMeasured = 0;
  const start = performance.now();

  await new Promise<void>((resolve, reject) => {
    const send = (k: number) => {
      const due = start + (k * 1000) / options.rate;
      const body = options.body(k);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: options.method,
          headers: { ...options.headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            const end = performance.now();
            if (k >= warmup) {
              latencies.push(end - due);
              firstMeasured ||= end;
              lastMeasured = end;
              if ((res.statusCode ?? 0) >= 300) {
                non2xx++;
              }
            }
            if (++done === total) {
              resolve();
            }
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000) + 1);
      while (sent < due) {
        send(sent++);
      }
      if (sent < total) {
        setTimeout(tick, 1);
      }
    };
    tick();
  });
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    measured: latencies.length,
    non2xx,
    achieved: (latencies.length * 1000) / Math.max(1, lastMeasured - firstMeasured),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
  };
}
