import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/**
 * Issue 5 in headless Chromium: 区城管委 staff draft a yellow 燃气事故 warning with the street picker
 * and a polygon drawn on the map (SMS preview counting segments), propose it; the district leader in
 * charge of 事故灾难 approves it from their inbox; the department publishes it; the emergency office —
 * the only one that publishes to society (000 §3.3.1 第8项) — releases it; the public portal shows it.
 */
describe("warnings in the browser", () => {
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

  async function session(username?: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: "Asia/Shanghai" });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors.push(watchErrors(page));
    if (username) {
      await loginAs(page, server.url, username, server.password);
    }
    return page;
  }

  async function act(
    page: Page,
    action: string,
    fill?: (dialog: ReturnType<Page["getByRole"]>) => Promise<void>,
  ) {
    await page.getByTestId(`action-${action}`).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    if (fill) {
      await fill(dialog);
    }
    await dialog.locator(".ant-btn-primary, .ant-btn-dangerous").last().click();
    await dialog.waitFor({ state: "hidden" });
  }

  it("drafts as department staff, approves as the leader in charge, and shows it on the public portal", async () => {
    const title = "建外街道浏览器测试燃气黄色预警";
    const staff = await session("chengguan_staff");
    await staff.goto(`${server.url}/warnings/new`);
    await staff.getByLabel("标题", { exact: true }).waitFor();
    await staff.getByLabel("黄色").check();
    const subtype = staff.getByLabel("事件类别");
    await subtype.fill("rqsg");
    await staff.locator(".ant-select-item-option").filter({ hasText: "燃气事故" }).click();
    await staff.getByLabel("标题", { exact: true }).fill(title);
    await staff.getByLabel("警示事项").fill("建外街道部分燃气管网压力异常，可能发生泄漏");
    await staff.getByLabel("事态发展").fill("区城管委已派抢修队伍排查");
    await staff.getByLabel("政府工作措施").fill("关闭相关阀门，组织抢修，疏导交通");
    await staff
      .getByLabel("公众防御建议")
      .fill("闻到燃气味请勿开关电器、不要使用明火，立即开窗通风并撤离到安全地点，老人和儿童由家人陪同撤离");
    await staff.getByLabel("咨询电话").fill("96777");
    const streets = staff.getByLabel("街道（乡）");
    await streets.fill("建外");
    await staff.locator(".ant-select-item-option").filter({ hasText: "建外街道" }).click();
    await staff.keyboard.press("Escape");
    // Draw a polygon: three clicks on the map around the middle of the district, then 完成.
    await staff.getByRole("button", { name: "画多边形" }).click();
    const map = staff.getByTestId("draft-map").locator(".fh-map-canvas");
    await staff.waitForTimeout(300);
    const box = await map.boundingBox();
    if (!box) {
      throw new Error("map not rendered");
    }
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await staff.mouse.click(cx - 20, cy - 10);
    await staff.mouse.click(cx + 20, cy - 10);
    await staff.mouse.click(cx, cy + 20);
    await staff.getByRole("button", { name: /完成（3 点）/ }).click();
    await staff.getByText("已画 1 个图形").waitFor();
    await expect.poll(() => staff.getByTestId("sms-count").textContent()).toMatch(/2 条短信/);
    await staff.getByRole("button", { name: /保存草稿/ }).click();

    await staff.getByRole("heading", { name: title }).waitFor();
    expect(await staff.getByTestId("awaiting").textContent()).toContain("区相关专项应急指挥部办公室或部门");
    await act(staff, "propose");
    await staff.getByTestId("awaiting").filter({ hasText: "主管区领导" }).waitFor();

    // The district leader in charge of 事故灾难 finds it in their inbox and approves it.
    const leader = await session("leader");
    await leader.goto(`${server.url}/warnings?tab=inbox`);
    await leader.getByTestId("warning-inbox").getByRole("link", { name: title }).click();
    await leader.getByRole("heading", { name: title }).waitFor();
    await act(leader, "approve", async (d) => d.getByLabel("意见（可选）").fill("同意发布"));
    await leader.getByText("已批准待发布").waitFor();

    // The department publishes (within the system) and asks the office to release it to the public.
    await staff.reload();
    await act(staff, "publish");
    await staff.getByText("待应急办向社会发布").waitFor();

    // Not on the portal yet.
    const citizen = await session(undefined, { width: 390, height: 844 });
    await citizen.goto(`${server.url}/public`);
    await citizen.getByRole("tab", { name: /当前预警/ }).waitFor();
    expect(await citizen.getByText(title).count()).toBe(0);

    const office = await session("office");
    await office.goto(`${server.url}/warnings?tab=inbox`);
    await office.getByTestId("warning-inbox").getByRole("link", { name: title }).click();
    await act(office, "release");
    await office.getByText("已向社会发布").first().waitFor();

    await citizen.reload();
    const card = citizen.getByTestId("public-warning").filter({ hasText: title });
    await card.waitFor();
    expect(await card.locator(".fh-colour-badge").textContent()).toBe("黄色");
    expect(await card.textContent()).toContain("96777");
    await card.locator("a.fh-public-title").click();
    await citizen.getByText("政府工作措施").waitFor();

    const unexpected = errors.flat().filter((e) => !e.includes("401"));
    expect(unexpected, unexpected.join("\n")).toEqual([]);
  }, 120_000);

  it("an orange proposal is submitted by the office (报请批准), and the approval names who submitted", async () => {
    // 000 §3.3.1 第2项: 由区应急办（区突发事件预警信息发布中心）分别报请区应急委主管或主要领导批准.
    const api = await server.login("chengguan_staff");
    const title = "朝外燃气管网橙色预警";
    const created = await api.post<{ id: string }>("/api/warnings", {
      colour: "orange",
      subtypeId: "gas",
      title,
      onsetAt: "2026-11-27T12:00:00+08:00",
      expiresAt: "2026-11-28T12:00:00+08:00",
      content: {
        precautions: "燃气管网压力异常",
        situation: "抢修中",
        governmentMeasures: "关阀抢修",
        publicAdvice: "远离现场",
        hotline: "010-96777",
      },
      area: { divisionCodes: ["110105001"], features: [] },
    });
    await api.post(`/api/warnings/${created.body.id}/propose`, {});
    const office = await session("office_staff");
    await office.goto(`${server.url}/warnings/${created.body.id}`);
    await office.getByRole("heading", { name: title }).waitFor();
    expect(await office.getByTestId("action-approve").count()).toBe(0);
    await act(office, "submit", async (d) => d.getByLabel("意见（可选）").fill("请审批"));
    await office.getByTestId("submission").filter({ hasText: "应急办 李静 已于" }).waitFor();

    const director = await session("director");
    await director.goto(`${server.url}/warnings/${created.body.id}`);
    await director.getByTestId("submission").filter({ hasText: "报请批准" }).waitFor();
    await act(director, "approve");
    await director.getByTestId("submission").filter({ hasText: "区应急委主任 吴刚 已批准" }).waitFor();
  }, 120_000);
});
