import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROLE_LABELS } from "../../shared/roles.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/** The web shell in headless Chromium against the real server and the Chaoyang demo data. */
describe("web shell", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async () => {
    context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: "Asia/Shanghai",
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
    return page;
  };

  afterEach(async () => {
    // HTTP error answers (401 session probe, wrong password, 409 duplicate) are expected; script errors are not.
    const unexpected = errors.filter((e) => !e.includes("Failed to load resource"));
    await context?.close();
    expect(unexpected).toEqual([]);
  });

  it("signs in as admin, shows who is on duty, and switches language both ways", async () => {
    await open();
    await loginAs(page, server.url, "admin", server.password);

    const user = page.getByTestId("current-user");
    await expect(user.textContent()).resolves.toContain("系统管理员");
    await expect(user.textContent()).resolves.toContain("区应急办");
    await expect(user.locator(".ant-tag").first().textContent()).resolves.toBe(ROLE_LABELS.admin);
    await page.getByRole("menuitem", { name: /值班信息/ }).waitFor();

    await page.getByTestId("language-switch").getByText("English").click();
    await page.getByRole("menuitem", { name: /Duty desk/ }).waitFor();
    await page.getByRole("button", { name: /Sign out/ }).waitFor();
    await expect(user.locator(".ant-tag").first().textContent()).resolves.toBe("System administrator");
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en-US");

    // Saved to the account: a reload (and any other browser) comes back in English.
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`${server.url}/api/me`)).json()) as { user: { locale: string } })
            .user.locale,
      )
      .toBe("en-US");
    await page.reload();
    await page.getByRole("menuitem", { name: /Organisation/ }).waitFor();

    await page.getByTestId("language-switch").getByText("中文").click();
    await page.getByRole("menuitem", { name: /组织机构/ }).waitFor();
    await page.getByRole("button", { name: /退出/ }).waitFor();
    await expect(page.getByText("Duty desk").count()).resolves.toBe(0);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");

    // Logout asks first.
    await page.getByRole("button", { name: /退出/ }).click();
    await page.locator(".ant-modal-confirm-title").getByText("确认退出登录？").waitFor();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByLabel("用户名").waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
  });

  it("finds 建外街道 in the org tree and shows its code and communities", async () => {
    await open();
    await loginAs(page, server.url, "admin", server.password);
    await page.getByRole("menuitem", { name: /组织机构/ }).click();

    // The tree loads lazily: the root first, its children on expand.
    const root = page.getByRole("treeitem").filter({ hasText: "区突发事件应急委员会" }).first();
    await root.waitFor();
    await root.locator(".ant-tree-switcher").click();
    await page.getByRole("treeitem").filter({ hasText: "建外街道" }).first().waitFor();

    const search = page.getByPlaceholder("搜索单位名称或区划代码");
    await search.fill("建外");
    await search.press("Enter");
    const results = page.getByTestId("org-search-results");
    await results.getByRole("button", { name: /建外街道/ }).click();

    const detail = page.getByTestId("unit-detail");
    await detail.getByRole("heading", { name: "建外街道" }).waitFor();
    await detail.getByText("110105001", { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/org/110105001");

    const api = await server.login("admin");
    const unit = await api.get<{ children: { name: string; type: string }[] }>("/api/org/units/110105001");
    const communities = unit.body.children.filter((c) => c.type === "community");
    expect(communities.length).toBeGreaterThan(0);
    await detail.getByText(`下级单位（${unit.body.children.length}）`).waitFor();
    for (const c of communities.slice(0, 5)) {
      await detail.getByRole("link", { name: c.name, exact: true }).waitFor();
    }
    await detail.getByRole("link", { name: "区突发事件应急委员会" }).waitFor();
  });

  it("creates a user with a role and a unit and shows it in the table", async () => {
    await open();
    await loginAs(page, server.url, "admin", server.password);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole("heading", { name: "用户管理" }).waitFor();
    await page.locator(".ant-table-row").first().waitFor();

    await page.getByRole("button", { name: /新建用户/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("用户名").fill("jianwai_night");
    await dialog.getByLabel("姓名").fill("建外街道 夜班值守 孙磊");
    await dialog.getByLabel("所属单位").fill("建外");
    await page.locator(".ant-select-item-option").filter({ hasText: "建外街道" }).first().click();
    await dialog.getByLabel("角色").fill("街道");
    await page.locator(".ant-select-item-option").filter({ hasText: ROLE_LABELS.street_staff }).click();
    await dialog.locator(".ant-modal-title").click(); // closes the role dropdown, keeps the dialog
    await dialog.getByLabel("联系电话").fill("010-65000000");
    await dialog.getByLabel("初始密码").fill("Night-shift-2026");
    await dialog.getByRole("button", { name: /保\s*存/ }).click();

    await page.getByText("已创建用户 建外街道 夜班值守 孙磊").waitFor();
    const row = page.locator(".ant-table-row").filter({ hasText: "jianwai_night" });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("建外街道 夜班值守 孙磊");
    await expect(row.textContent()).resolves.toContain("建外街道");
    await expect(row.textContent()).resolves.toContain(ROLE_LABELS.street_staff);

    const api = await server.login("admin");
    const users = await api.get<{ items: { username: string; unitId: string; roles: string[] }[] }>(
      "/api/users?q=jianwai_night",
    );
    expect(users.body.items).toEqual([
      expect.objectContaining({ username: "jianwai_night", unitId: "110105001", roles: ["street_staff"] }),
    ]);

    // A second account with the same name: the server's conflict message is shown in the form.
    await page.getByRole("button", { name: /新建用户/ }).click();
    await dialog.getByLabel("用户名").fill("jianwai_night");
    await dialog.getByLabel("姓名").fill("重复");
    await dialog.getByLabel("所属单位").fill("建外");
    await page.locator(".ant-select-item-option").filter({ hasText: "建外街道" }).first().click();
    await dialog.getByLabel("角色").fill("街道");
    await page.locator(".ant-select-item-option").filter({ hasText: ROLE_LABELS.street_staff }).click();
    await dialog.locator(".ant-modal-title").click(); // closes the role dropdown, keeps the dialog
    await dialog.getByLabel("初始密码").fill("Night-shift-2026");
    await dialog.getByRole("button", { name: /保\s*存/ }).click();
    await dialog.getByTestId("form-error").getByText("用户名 jianwai_night 已存在").waitFor();
  });

  it("keeps a language picked on the login page and saves it to the account", async () => {
    await open();
    await page.goto(`${server.url}/login`);
    await page.getByTestId("language-switch").getByText("English").click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await loginAs(page, server.url, "office", server.password);
    await page.getByRole("menuitem", { name: /Duty desk/ }).waitFor();
    const api = await server.login("office");
    const me = await api.get<{ user: { locale: string } }>("/api/me");
    expect(me.body.user.locale).toBe("en-US");
  });

  it("lists the audit log page by page, filters it and verifies the hash chain", async () => {
    await open();
    await loginAs(page, server.url, "admin", server.password);
    await page.getByRole("menuitem", { name: /审计/ }).click();
    const rows = page.locator(".ant-table-row");
    await rows.first().waitFor();

    const api = await server.login("admin");
    const all = await api.get<{ items: unknown[]; nextCursor: string | null }>("/api/audit?limit=50");
    if (all.body.nextCursor) {
      await expect.poll(() => rows.count()).toBe(50);
      await page.getByRole("button", { name: /加载更多/ }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(50);
    }

    await page.getByLabel("动作").fill("auth.login");
    await page.getByLabel("动作").press("Escape"); // close the suggestions, keep the typed code
    await page.getByRole("button", { name: /查\s*询/ }).click();
    await expect
      .poll(async () => (await rows.allTextContents()).every((t) => t.includes("auth.login")))
      .toBe(true);

    await rows.first().locator(".ant-table-row-expand-icon").click();
    await page.getByTestId("audit-changes").first().waitFor();

    await page.getByRole("button", { name: /校验哈希链/ }).click();
    await page
      .getByTestId("verify-result")
      .getByText(/哈希链完整/)
      .waitFor();
  });

  it("shows the server's own message for a wrong password", async () => {
    await open();
    const expected = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "duty", password: "not-the-password" }),
    }).then((r) => r.json() as Promise<{ detail: string }>);
    expect(expected.detail).toBeTruthy();

    await page.goto(`${server.url}/login`);
    await page.getByLabel("用户名").fill("duty");
    await page.getByLabel("密码").fill("not-the-password");
    await page.getByLabel("密码").press("Enter");
    const alert = page.getByTestId("login-error");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(expected.detail);
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect(page.getByLabel("密码").inputValue()).resolves.toBe("");
  });
});
