import ExcelJS from "exceljs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIncidentId } from "../../server/src/modules/resources/testing.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/**
 * Issue 6 in headless Chromium ("Done when"): a department imports its team list from Excel, finds
 * the nearest team to an incident on the map (一张图) and dispatches it; the team is then deployed.
 */
describe("emergency resources", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer();
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: "Asia/Shanghai",
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  async function teamSheet(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("应急队伍");
    ws.addRow([
      "编码",
      "队伍名称",
      "队伍类型",
      "专业特长",
      "人数",
      "负责人",
      "24小时联系电话",
      "纬度",
      "经度",
      "主管单位",
    ]);
    // Two gas crews of 区城管委: one a few hundred metres from the incident below, one across the district.
    ws.addRow([
      "CG-RQ-101",
      "区城管委燃气抢险二队",
      "专业应急救援队伍",
      "燃气、供热",
      24,
      "马建军",
      "13910066601",
      39.8935,
      116.461,
      "区城管委",
    ]);
    ws.addRow([
      "CG-RQ-102",
      "区城管委燃气抢险三队",
      "专业应急救援队伍",
      "燃气",
      18,
      "杜峰",
      "13910066602",
      39.9902,
      116.5601,
      "区城管委",
    ]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it("imports a team list, finds the nearest team to an incident on the map and dispatches it", async () => {
    const incidentId = await testIncidentId(server, await server.login("duty"));
    await loginAs(page, server.url, "chengguan", server.password);

    // 1. Import the team list through the import dialog (progress, then the summary).
    await page.goto(`${server.url}/resources/teams`);
    await page.locator(".ant-table-row").first().waitFor();
    await page.getByRole("button", { name: /导\s*入/ }).click();
    await page.locator(".ant-modal input[type=file]").setInputFiles({
      name: "城管委队伍.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: await teamSheet(),
    });
    await page.getByRole("button", { name: /开始导入/ }).click();
    await page.getByText("已导入：新增 2 条，更新 0 条").waitFor();
    await page.getByRole("button", { name: "关 闭", exact: true }).click();
    await page.getByRole("button", { name: "区城管委燃气抢险二队" }).waitFor();

    // 2. The map, opened at the incident's location (as the duty desk links it): nearest teams first.
    await page.goto(
      `${server.url}/resources/map?lat=39.895&lng=116.46&incident=${encodeURIComponent(incidentId)}`,
    );
    await page.locator(".fh-res-result").first().waitFor();
    const first = page.locator(".fh-res-result").first();
    await expect.poll(() => first.textContent()).toContain("区城管委燃气抢险二队");
    expect(await first.textContent()).toMatch(/\d+ 米|\d+(\.\d)? 公里/);
    expect(await page.locator(".fh-res-incident").count()).toBe(1);

    // 3. Dispatch it: own team of 区城管委 → approved at once (000 §6.7), then 出发.
    await first.getByRole("button", { name: /调\s*用/ }).click();
    const dialog = page.locator(".ant-modal").filter({ hasText: "调用：区城管委燃气抢险二队" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("关联事件").inputValue()).toBe(incidentId);
    await dialog.getByText("调派区属专业应急队伍").waitFor(); // the plan's rule for teams (000 §6.2), shown before submitting
    await dialog.getByRole("button", { name: /提出调用/ }).click();
    await page.getByText("已提出调用：已批准").waitFor();

    await page.goto(`${server.url}/resources/dispatches`);
    await page.getByRole("button", { name: "区城管委燃气抢险二队" }).click();
    const drawer = page.locator(".ant-drawer");
    await drawer.getByRole("button", { name: /出\s*发/ }).click();
    await page
      .locator(".ant-modal-confirm")
      .getByRole("button", { name: /确\s*定/ })
      .click();
    await drawer.locator(".ant-tag").filter({ hasText: "已出发" }).waitFor();

    const teams = await (await server.login("duty")).get<{ items: { name: string; status: string }[] }>(
      "/api/teams?q=CG-RQ-101",
    );
    expect(teams.body.items[0]).toMatchObject({ name: "区城管委燃气抢险二队", status: "deployed" });
    expect(errors.filter((e) => !e.includes("401") && !e.includes("deprecated"))).toEqual([]);
  });
});
