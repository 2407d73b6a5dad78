/**
 * Screenshots of the 应急资源 pages for a human to look at (issue 6):
 *   npx tsx tests/browser/resourcesScreens.ts <outDir>
 * Starts its own server over a fresh database with the demo data.
 */
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { testIncidentId } from "../../server/src/modules/resources/testing.js";
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
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchErrors(page);
  await loginAs(page, server.url, "office_staff", server.password);
  await page.goto(`${server.url}/resources/map`);
  await page
    .locator(".fh-res-pin, .marker-cluster")
    .first()
    .waitFor()
    .catch(async (e: unknown) => {
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
  await page
    .locator(".fh-res-result")
    .first()
    .getByRole("button", { name: /调\s*用/ })
    .click();
  const dialog = page.locator(".ant-modal").filter({ hasText: "调用：" });
  await dialog.waitFor();
  await dialog.getByLabel("关联事件").fill(await testIncidentId(server, await server.login("duty")));
  await dialog.getByText("区应急委领导批准").waitFor();
  await shot(page, "dispatch-modal");
  await dialog.getByRole("button", { name: /提出调用/ }).click();
  await page.getByText(/已提出调用/).waitFor();
  await page.goto(`${server.url}/resources/dispatches`);
  await page.locator(".fh-res-namelink").first().click();
  await page.locator(".ant-drawer .ant-steps").waitFor();
  await shot(page, "dispatch-detail");
  for (const tab of [
    "teams",
    "shelters",
    "stock",
    "warehouses",
    "equipment",
    "agreements",
    "experts",
    "supplies",
    "dispatches",
  ]) {
    await page.goto(`${server.url}/resources/${tab}`);
    await page
      .locator(".ant-table")
      .first()
      .waitFor()
      .catch(async (e: unknown) => {
        await page.screenshot({ path: `${out}/FAILED.png` });
        console.error(errors.join("\n"));
        throw e;
      });
    await shot(page, tab);
  }
  await page.goto(`${server.url}/resources/teams`);
  await page.locator(".ant-table-row").first().waitFor();
  await page.getByRole("button", { name: /导\s*入/ }).click();
  await page
    .locator(".ant-modal")
    .waitFor()
    .catch(async (e: unknown) => {
      await page.screenshot({ path: `${out}/FAILED.png` });
      console.error(errors.join("\n"));
      throw e;
    });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("应急队伍");
  ws.addRow(["编码", "队伍名称", "队伍类型", "人数", "24小时联系电话", "纬度", "经度", "主管单位"]);
  ws.addRow(["X-1", "电话错误的队伍", "专业应急救援队伍", 10, "12345", 39.95, 116.5, "区城管委"]);
  ws.addRow(["X-2", "单位不存在", "专业应急救援队伍", -3, "13910011111", 39.95, 116.3, "区海洋局"]);
  await page.locator(".ant-modal input[type=file]").setInputFiles({
    name: "队伍.xlsx",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(await wb.xlsx.writeBuffer()),
  });
  await page.getByRole("button", { name: /开始导入/ }).click();
  await page.getByText(/错误清单/).waitFor();
  await shot(page, "import");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: /新\s*建/ }).click();
  await page
    .locator(".ant-modal")
    .filter({ hasText: "新建应急队伍" })
    .waitFor()
    .catch(async (e: unknown) => {
      await page.screenshot({ path: `${out}/FAILED.png` });
      console.error(errors.join("\n"));
      throw e;
    });
  await shot(page, "team-form");
  await page.keyboard.press("Escape");
  await page.locator(".ant-table-row").first().locator(".fh-res-namelink").click();
  await page.locator(".ant-drawer").waitFor();
  await shot(page, "team-detail");

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    timezoneId: "Asia/Shanghai",
  });
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
