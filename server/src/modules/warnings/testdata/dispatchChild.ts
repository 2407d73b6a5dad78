/**
 * A dispatcher in its own process for the restart test: opens the same database, sends due outbox
 * messages to the SMS gateway given in FAKE_SMS_GATEWAY, at the clock time given as argv[2]. The test
 * kills it with SIGKILL in the middle of dispatch.
 */
import { ManualClock } from "../../../clock.js";
import { loadConfig } from "../../../config.js";
import { openRuntime } from "../../../server.js";
import { dispatchDue, smsAdapter } from "../../notify/index.js";

const runtime = await openRuntime(loadConfig(process.env), { clock: new ManualClock(process.argv[2]) });
const channels = new Map([
  ["sms", smsAdapter({ endpoint: process.env.FAKE_SMS_GATEWAY ?? "", ratePerSecond: 10_000 })],
]);
console.log("dispatching");
await dispatchDue(runtime.ctx, channels, { batch: 1000, concurrency: 8 });
console.log("done");
await runtime.close();
