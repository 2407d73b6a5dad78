import SQLite from "better-sqlite3";
const db = new SQLite("/tmp/x/tgt.db");
const G = 0.01, COLS = 36000;
const [minX, minY, maxX, maxY] = [116.43, 39.885, 116.555, 39.985];
const c0 = Math.floor((minX + 180) / G), c1 = Math.floor((maxX + 180) / G), r0 = Math.floor((minY + 90) / G), r1 = Math.floor((maxY + 90) / G);
const ranges: [number, number][] = []; for (let r = r0; r <= r1; r++) ranges.push([r * COLS + c0, r * COLS + c1]);
const where = ranges.map(() => "cell between ? and ?").join(" or ");
const args = ranges.flat();
function t(label: string, f: () => number) { const s = performance.now(); const n = f(); console.log(label, n, Math.round(performance.now() - s), "ms"); }
for (const pragma of ["cache_size = -2000", "cache_size = -200000"]) {
  db.pragma(pragma); console.log(pragma);
  t("A rtree join", () => db.prepare("select s.id, s.channel, s.address, s.lon, s.lat from warning_subscriber_rtree r join warning_subscribers s on s.rowid = r.id where r.min_x >= ? and r.max_x <= ? and r.min_y >= ? and r.max_y <= ?").all(minX, maxX, minY, maxY).length);
  t("A rtree join again", () => db.prepare("select s.id, s.channel, s.address, s.lon, s.lat from warning_subscriber_rtree r join warning_subscribers s on s.rowid = r.id where r.min_x >= ? and r.max_x <= ? and r.min_y >= ? and r.max_y <= ?").all(minX, maxX, minY, maxY).length);
  t("A' rtree ids only", () => db.prepare("select id from warning_subscriber_rtree r where r.min_x >= ? and r.max_x <= ? and r.min_y >= ? and r.max_y <= ?").all(minX, maxX, minY, maxY).length);
  t("B cell ranges", () => db.prepare(`select id, channel, address, lon, lat from warning_subscribers where ${where}`).all(...args).length);
}
db.exec("create index if not exists tmp_cover on warning_subscribers (cell, lon, lat, channel, address, id)");
t("C covering", () => db.prepare(`select id, channel, address, lon, lat from warning_subscribers indexed by tmp_cover where ${where}`).all(...args).length);
t("C covering again", () => db.prepare(`select id, channel, address, lon, lat from warning_subscribers indexed by tmp_cover where ${where}`).all(...args).length);
t("C raw", () => db.prepare(`select id, channel, address, lon, lat from warning_subscribers indexed by tmp_cover where ${where}`).raw().all(...args).length);
db.exec("drop index tmp_cover");
