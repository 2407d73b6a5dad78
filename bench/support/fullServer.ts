// The real Fenghuo server (SQLite, demo data) for benchmarks; prints LISTENING <url>.
import { loadConfig } from "../../server/src/config.js";
import { openRuntime, startServer } from "../../server/src/server.js";

// A clean exit on SIGINT lets `node --cpu-prof` write its profile.
process.on("SIGINT", () => process.exit(0));
const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1" });
const runtime = await openRuntime(config);
const { url } = await startServer(runtime, { demo: true });
console.log(`LISTENING ${url}`);
