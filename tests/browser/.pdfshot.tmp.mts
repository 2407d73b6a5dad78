import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1000, height: 1300 } });
await p.goto("file:///tmp/shots/a.pdf").catch((e) => console.log("goto", String(e).slice(0, 200)));
await p.waitForTimeout(3000);
await p.screenshot({ path: "/tmp/shots/pdf.png" });
await b.close();
