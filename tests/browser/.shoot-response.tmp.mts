import { launchBrowser, loginAs, watchErrors } from "./browser.js";
const base = process.argv[2] ?? "http://localhost:18777";
const user = process.argv[3] ?? "chengguan";
const browser = await launchBrowser();
const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: "Asia/Shanghai" });
const page = await ctx.newPage();
const errors = watchErrors(page);
await loginAs(page, base, user, "Demo-pass-2026");
await page.goto(`${base}/response`);
await page.waitForLoadState("networkidle");
await page.waitForTimeout(500);
await page.screenshot({ path: "/tmp/shots/list.png" });
const link = page.locator("a.fh-incident-link").first();
await link.click();
await page.getByTestId("response-map").waitFor();
await page.waitForLoadState("networkidle");
await page.waitForTimeout(800);
await page.screenshot({ path: "/tmp/shots/workspace.png" });
await page.screenshot({ path: "/tmp/shots/workspace-full.png", fullPage: true });
await page.getByTestId("tab-tasks").click();
await page.waitForTimeout(400);
await page.screenshot({ path: "/tmp/shots/tasks.png" });
for (const name of ["区应急委决策", "信息报送", "总结评估"]) {
  await page.getByRole("tab", { name }).click();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `/tmp/shots/tab-${name}.png` });
}
console.log(JSON.stringify(errors));
await browser.close();
