import fs from "node:fs";
import { randomUUID } from "node:crypto";
import SQLite from "better-sqlite3";
import { booleanPointInPolygon } from "@turf/turf";
import { openDatabase } from "/work/main/server/src/db/index.js";
import { migrateToLatest } from "/work/main/server/src/db/migrate.js";
import { districtOutline } from "/work/main/server/src/modules/geo/district.js";
import { gridCell, subscribersInBbox } from "/work/main/server/src/modules/warnings/repository.js";
import { targetSubscribers } from "/work/main/server/src/modules/warnings/dissemination.js";
const file = "/tmp/x/tgt.db";
const outline = districtOutline("110105");
if (!fs.existsSync(file)) {
  const h = openDatabase({ sqliteFile: file }); await migrateToLatest(h.db, "sqlite"); await h.close();
  const raw = new SQLite(file);
  const ins = raw.prepare("insert into warning_subscribers (id, channel, address, lon, lat, cell, created_at) values (?, 'sms', ?, ?, ?, ?, 'x')");
  const [a,b,c,d] = outline.bbox; let n = 0;
  raw.transaction(() => { while (n < 1_000_000) { const x = a + Math.random()*(c-a), y = b + Math.random()*(d-b); if (booleanPointInPolygon([x,y], outline.feature)) { ins.run(randomUUID(), `1${3000000000+n}`, x, y, gridCell(x,y)); n++; } } })();
  raw.close();
}
const h = openDatabase({ sqliteFile: file });
const Q = { type: "Feature", properties: null, geometry: { type: "Polygon", coordinates: [[[116.43,39.885],[116.555,39.885],[116.555,39.985],[116.43,39.985],[116.43,39.885]]] } };
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const rows = await subscribersInBbox(h.db, "sqlite", [116.43, 39.885, 116.555, 39.985]);
  const sqlMs = performance.now() - t;
  t = performance.now();
  let k = 0; for (const r of rows) if (booleanPointInPolygon([r.lon, r.lat], Q.geometry as never)) k++;
  const pipMs = performance.now() - t;
  t = performance.now();
  const all = await targetSubscribers(h.db, "sqlite", [{ divisionCodes: [], features: [Q as never] }]);
  console.log({ rows: rows.length, sqlMs: Math.round(sqlMs), pipMs: Math.round(pipMs), k, total: Math.round(performance.now() - t), n: all.length });
}
await h.close();
