import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/**
 * Issue 4 in headless Chromium: a duty officer registers an incident at the 值班台 with the keyboard,
 * sees its countdown, files the initial report and sees the deadline turn met; a second session (the
 * office director's) sees the incident arrive and its deadline change live, without reloading.
 */
describe("duty desk", () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) {
      await c.close();
    }
    await browser?.close();
    await server?.close();
  });

  async function session(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: "Asia/Shanghai",
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors.push(watchErrors(page));
    await loginAs(page, server.url, username, server.password);
    await page.goto(`${server.url}/duty`);
    await page.getByRole("heading", { name: "值班台" }).waitFor();
    await page.getByText("实时更新中").waitFor();
    return page;
  }

  it("registers at the desk, counts down, files the initial report and shows it met — live in a second session", async () => {
    const director = await session("office");
    const duty = await session("duty");

    // Keyboard-first intake: pinyin initials find 燃气事故.
    const subtype = duty.getByLabel("事件类型");
    await subtype.fill("rqsg");
    await duty.locator(".ant-select-item-option").filter({ hasText: "燃气事故" }).waitFor();
    await subtype.press("Enter");
    await duty.getByLabel("事件名称").fill("建外街道浏览器测试燃气泄漏");
    const source = duty.getByLabel("信息来源");
    await source.fill("96777");
    await duty.locator(".ant-select-item-option").filter({ hasText: "燃气服务热线" }).waitFor();
    await source.press("Enter");
    const division = duty.getByLabel("事发地（街道/乡/社区/村）");
    await division.fill("建外");
    await duty.locator(".ant-select-item-option").filter({ hasText: "建外街道（110105001）" }).waitFor();
    await division.press("Enter");
    await duty.getByLabel("疏散").fill("40");
    // Map point: a click in the middle of the district map sets the incident's coordinates.
    const picker = duty.getByTestId("point-picker");
    await picker.scrollIntoViewIfNeeded();
    await duty
      .locator('[data-testid="point-picker"] path.leaflet-interactive, [data-testid="point-picker"] svg')
      .first()
      .waitFor({ state: "attached" });
    await picker.click();
    await expect
      .poll(() => duty.getByTestId("point-picker-value").textContent())
      .toMatch(/^39\.\d{5}, 116\.\d{5}$/);
    await duty.getByLabel("事件名称").press("Control+Enter");

    // The detail page: the initial report counts down from 10 minutes.
    await duty.getByRole("heading", { name: /CY-\d{4}-\d{6} 建外街道浏览器测试燃气泄漏/ }).waitFor();
    const registered = await server.ctx.db
      .selectFrom("incidents")
      .select(["lat", "lng"])
      .where("title", "=", "建外街道浏览器测试燃气泄漏")
      .executeTakeFirstOrThrow();
    expect(Number(registered.lat)).toBeGreaterThan(39.8);
    expect(Number(registered.lng)).toBeGreaterThan(116.3);
    const initialRow = duty.getByRole("row").filter({ hasText: "信息初报" });
    await expect
      .poll(() => initialRow.locator(".fh-countdown").textContent())
      .toMatch(/^剩余 (09|10):\d{2}$/);

    // The director's desk shows the new incident without a reload.
    const directorRow = director.getByRole("row").filter({ hasText: "建外街道浏览器测试燃气泄漏" });
    await directorRow.waitFor();

    // Report composer: it names what is missing until every required field is filled.
    await duty.getByText(/还缺少：原因/).waitFor();
    const answers: Record<string, string> = {
      原因: "户内燃气管道接口松动",
      人员伤亡情况: "无人员伤亡",
      损失情况: "暂无",
      影响范围: "3号楼1单元",
      危险程度: "较低，已关阀",
      发展趋势: "可控",
      潜在次生灾害: "无",
      已采取的措施: "关阀、疏散、抢修",
      签发人: "张建国",
      联系方式: "010-85990000",
    };
    for (const [label, text] of Object.entries(answers)) {
      const box = duty.getByLabel(label, { exact: true });
      if ((await box.inputValue()) === "") {
        await box.fill(text);
      }
    }
    await duty.getByText("必报内容已齐全").waitFor();
    await duty.getByText(/主送：.*区应急办/).waitFor();
    await duty.getByRole("button", { name: /报送初报/ }).click();
    await duty
      .getByRole("dialog")
      .getByRole("button", { name: /报\s*送/ })
      .click();

    await expect.poll(() => initialRow.locator(".fh-countdown").textContent()).toBe("按时");
    await duty.getByText("初报 · 第 1 报").waitFor();
    await expect(duty.getByRole("link", { name: "下载 DOCX" }).getAttribute("href")).resolves.toMatch(
      /\.docx$/,
    );

    // The director's list moves on to the next deadline, live: the report to the city, still unsent.
    await expect.poll(() => directorRow.textContent()).toContain("暂时无法判明等级的事件报市应急办");

    // 000 §4.1 报请区应急委相关领导批准后: the report to the city waits for the committee's leader, who
    // alone has the button; approving sends it, and the duty officer's page shows it met, live.
    const cityRow = duty.getByRole("row").filter({ hasText: "暂时无法判明等级的事件报市应急办" });
    await cityRow.getByText("待领导批准上报").waitFor();
    expect(await cityRow.getByRole("button", { name: "批准上报" }).count()).toBe(0);
    const leader = await session("director");
    await leader.goto(duty.url());
    const leaderCityRow = leader.getByRole("row").filter({ hasText: "暂时无法判明等级的事件报市应急办" });
    await leaderCityRow.getByRole("button", { name: "批准上报" }).click();
    await leader
      .getByRole("dialog")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect.poll(() => leaderCityRow.locator(".fh-countdown").textContent()).toBe("按时");
    await expect.poll(() => cityRow.locator(".fh-countdown").textContent()).toBe("按时");
    await cityRow.getByText(/批准/).waitFor();
    expect(await cityRow.getByText("待领导批准上报").count()).toBe(0);
    await expect.poll(() => directorRow.textContent()).toContain("详细信息报送");

    const unexpected = errors.flat().filter((e) => !e.includes("Failed to load resource"));
    expect(unexpected).toEqual([]);
  }, 120_000);
});
