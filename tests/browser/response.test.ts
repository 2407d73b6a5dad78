import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/src/clock.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/**
 * Issue 7 in headless Chromium: the lead department opens the incident workspace of a 较大 gas
 * explosion under Ⅰ级响应, sets up the command post with the plan's 7 groups and assigns a task; the
 * committee (which activated Ⅰ级) ends the response after a confirmation.
 * FENGHUO_SCREENSHOTS=<dir> keeps a PNG of each step for a human to look at.
 */
describe("incident workspace (应急响应)", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let incidentId = "";
  const shots = process.env.FENGHUO_SCREENSHOTS;
  const clock = new ManualClock(new Date());

  const shot = async (name: string) => {
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, `response-${name}.png`) });
    }
  };

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ clock });
    browser = await launchBrowser();
    const duty = await server.login("duty");
    const reg = await duty.post<{ id: string }>("/api/incidents", {
      title: "建外街道某餐馆燃气爆炸",
      subtypeId: "gas",
      occurredAt: new Date(clock.now().getTime() - 10 * 60_000).toISOString(),
      sourceChannel: "119",
      divisionCode: "110105001",
      address: "建国门外大街某餐馆",
      location: { lat: 39.9075, lng: 116.4525 },
      figures: { deaths: 3, injuries: 12 },
      level: "larger",
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    incidentId = reg.body.id;
    const director = await server.login("director");
    expect((await director.post(`/api/incidents/${incidentId}/response`, { level: "level_i" })).status).toBe(
      201,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (username: string) => {
    context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: "Asia/Shanghai",
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
    await loginAs(page, server.url, username, server.password);
  };

  afterEach(async () => {
    // HTTP error answers are expected; so are antd deprecation notices from the duty desk, where login
    // lands (not this module's page). Script errors are not.
    const unexpected = errors.filter(
      (e) => !e.includes("Failed to load resource") && !/Warning: \[antd: \w+\] .*deprecated/.test(e),
    );
    await context?.close();
    expect(unexpected).toEqual([]);
  });

  it("lets the lead department open the workspace, set up the command post and assign a task", async () => {
    await open("chengguan");
    await page.getByRole("menuitem", { name: /应急响应/ }).click();
    // Wait for the list itself: the duty desk, where login lands, links the same incident title.
    await page.waitForURL("**/response");
    await page.locator(".fh-response-card").getByRole("link", { name: "建外街道某餐馆燃气爆炸" }).click();
    await page.waitForURL(`**/response/${incidentId}`);
    await page.getByTestId("response-map").waitFor();
    await expect(page.getByTestId("response-level").textContent()).resolves.toBe("Ⅰ级指挥响应");
    // Only the committee may end a 较大 response it activated (000 §4.9): no end button here.
    await expect(page.getByTestId("end-response").count()).resolves.toBe(0);
    await shot("1-workspace");

    await page.getByTestId("post-role-commander").fill("分管区领导 孙伟");
    await page.getByTestId("post-role-executive_commander").fill("城管委负责人 刘强");
    await shot("2-post-form");
    await page.getByTestId("create-post").click();
    await page.getByTestId("post-groups").getByText("专家顾问组").waitFor();
    await expect(page.getByTestId("post-groups").locator(".ant-table-row").count()).resolves.toBe(7);
    await page.getByText("关于成立“建外街道 建国门外大街某餐馆现场指挥部”的通告").waitFor();
    await shot("3-post");

    await page.getByTestId("tab-tasks").click();
    await page.getByTestId("add-task").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("task-title").fill("设立警戒区和警戒哨，疏导交通");
    await dialog.getByRole("button", { name: /分派任务/ }).click();
    await page.getByTestId("task-board").getByText("设立警戒区和警戒哨，疏导交通").waitFor();
    await expect(page.getByTestId("task-board").getByText("专业处置组").count()).resolves.toBe(1);
    await shot("4-task");

    const tasks = await (await server.login("chengguan")).get<{
      items: { title: string; assignee: string }[];
    }>(`/api/incidents/${incidentId}/tasks`);
    expect(tasks.body.items).toEqual([
      expect.objectContaining({ title: "设立警戒区和警戒哨，疏导交通", assignee: "专业处置组" }),
    ]);
  });

  it("lets the office enter the city department's end of the response after a confirmation", async () => {
    // 000 §4.9 “较大以上突发事件由启动应急响应的市属部门宣布应急结束”: the office records that announcement.
    clock.advanceMinutes(2);
    const local = new Date(clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
    await open("office");
    await page.goto(`${server.url}/response/${incidentId}`);
    await page.getByTestId("end-response").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("此操作不可撤回").waitFor();
    await dialog.getByTestId("end-announcer").click();
    await page.locator(".ant-select-item-option", { hasText: "市有关部门" }).click();
    await dialog.getByTestId("end-announced-at").fill(local);
    await dialog.getByTestId("end-doc-no").fill("京应急〔2026〕5号");
    await dialog.getByTestId("end-summary").fill("明火扑灭，伤员全部送医，次生危害基本消除");
    await shot("5-end-confirm");
    await dialog.getByTestId("confirm-end").click();
    await page.getByTestId("ended-banner").waitFor();
    await expect(page.getByTestId("response-state").textContent()).resolves.toBe("已结束");
    await expect(page.getByTestId("end-response").count()).resolves.toBe(0);
    await page.getByRole("tab", { name: "总结评估" }).click();
    await page.getByText("总结评估报告").first().waitFor();
    await shot("6-ended");

    const docx = await page.request.get(`${server.url}/api/incidents/${incidentId}/assessment.docx`);
    expect(docx.status()).toBe(200);
    expect(docx.headers()["content-type"]).toContain("wordprocessingml");
  });
});
