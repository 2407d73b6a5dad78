// A local HTTP sink for dispatch benchmarks: answers every POST with 204; prints LISTENING <url>.
import http from "node:http";
import type { AddressInfo } from "node:net";

let received = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    received++;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}/sink`);
});
process.on("SIGTERM", () => {
  console.error(`sink received ${received}`);
  process.exit(0);
});
