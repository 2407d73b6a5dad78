/**
 * Screenshots of the 应急资源 pages for a human to look at (issue 6):
 *   npx tsx tests/browser/resourcesScreens.ts <outDir>
 * Starts its own server over a fresh database with the demo data.
 */
import type { Page } from "playwright-core";
import { startTestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

const [out = "/tmp/res-shots"] = process.argv.slice(2);
await ensureWebBuild();
const server = await startTestServer();
const browser = await launchBrowser();
const shot = async (page: Page, name: string, fullPage = false) => {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage });
  console.log(`${out}/${name}.png`);
};
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchErrors(page);
  await loginAs(page, server.url, "office_staff", server.password);
  await page.goto(`${server.url}/resources/map`);
  await page.locator(".fh-res-pin, .marker-cluster").first().waitFor().catch(async (e: unknown) => {
    await page.screenshot({ path: `${out}/FAILED.png` });
    console.error(errors.join("\n"));
    throw e;
  });
  await shot(page, "map");
  await page.locator("#nearest-lat").fill("39.9081");
  await page.locator("#nearest-lng").fill("116.4512");
  await page.getByRole("button", { name: /查找最近/ }).click();
  await page.locator(".fh-res-result").first().waitFor();
  await shot(page, "map-nearest");
  for (const tab of ["teams", "shelters", "stock", "warehouses", "equipment", "agreements", "experts", "supplies", "dispatches"]) {
    await page.goto(`${server.url}/resources/${tab}`);
    await page.locator(".ant-table").first().waitFor().catch(async (e: unknown) => {
      await page.screenshot({ path: `${out}/FAILED.png` });
      console.error(errors.join("\n"));
      throw e;
    });
    await shot(page, tab);
  }
  await page.goto(`${server.url}/resources/teams`);
  await page.locator(".ant-table-row").first().waitFor();
  await page.getByRole("button", { name: /导\s*入/ }).click();
  await page.locator(".ant-modal").waitFor().catch(async (e: unknown) => {
    await page.screenshot({ path: `${out}/FAILED.png` });
    console.error(errors.join("\n"));
    throw e;
  });
  await shot(page, "import");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: /新\s*建/ }).click();
  await page.locator(".ant-modal").filter({ hasText: "新建应急队伍" }).waitFor().catch(async (e: unknown) => {
    await page.screenshot({ path: `${out}/FAILED.png` });
    console.error(errors.join("\n"));
    throw e;
  });
  await shot(page, "team-form");
  await page.keyboard.press("Escape");
  await page.locator(".ant-table-row").first().locator(".fh-res-namelink").click();
  await page.locator(".ant-drawer").waitFor();
  await shot(page, "team-detail");

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: "Asia/Shanghai" });
  const p = await phone.newPage();
  await p.goto(`${server.url}/public/shelters`);
  await p.locator(".fh-pubshelter-card").first().waitFor();
  await shot(p, "public-shelters", true);
  if (errors.length > 0) {
    console.error(errors.join("\n"));
  }
} finally {
  await browser.close();
  await server.close();
}
