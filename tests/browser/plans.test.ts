import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/** The 预案 page shows the active profile; switching FENGHUO_PLAN changes it without code changes. */
describe("plan page", () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureWebBuild();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function openPlanPage(server: TestServer) {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: "Asia/Shanghai",
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = watchErrors(page);
    await loginAs(page, server.url, "duty", server.password);
    await page.goto(`${server.url}/plans`);
    await page.getByTestId("plan-name").waitFor();
    return { page, errors, context };
  }

  it("shows Chaoyang's lead departments and opens the seed text a rule cites", async () => {
    const server = await startTestServer();
    try {
      const { page, errors, context } = await openPlanPage(server);
      expect(await page.getByTestId("plan-name").textContent()).toBe(
        "北京市朝阳区突发事件总体应急预案（2022年修订）",
      );
      await page.getByPlaceholder("按子类、分类或主责部门筛选").fill("燃气");
      const row = page.locator("tr", { hasText: "燃气事故" });
      await expect.poll(() => row.textContent()).toContain("区城管委");
      await page.getByRole("tab", { name: "信息报送时限" }).click();
      await page.getByTestId("source-link").filter({ hasText: "000 §4.1" }).first().click();
      await expect.poll(() => page.getByTestId("source-text").textContent()).toContain("10分钟");
      await page.keyboard.press("Escape");
      await page.getByRole("tab", { name: /现场指挥部工作组（7）/ }).click();
      await expect.poll(() => page.locator("tr", { hasText: "医疗救护组" }).count()).toBe(1);
      await page.getByRole("tab", { name: "预警权限" }).click();
      expect(errors.filter((e) => !e.includes("Failed to load resource"))).toEqual([]);
      await context.close();
    } finally {
      await server.close();
    }
  });

  it("shows Luolong's plan and its 13 working groups under FENGHUO_PLAN=luolong", async () => {
    const server = await startTestServer({ plan: "luolong" });
    try {
      const { page, context } = await openPlanPage(server);
      expect(await page.getByTestId("plan-name").textContent()).toContain("洛龙区");
      await expect.poll(() => page.getByRole("tab", { name: /现场指挥部工作组（13）/ }).count()).toBe(1);
      await context.close();
    } finally {
      await server.close();
    }
  });
});
