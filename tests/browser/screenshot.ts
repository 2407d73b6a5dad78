/**
 * Captures the main pages for a human to look at:
 *   npx tsx tests/browser/screenshot.ts <url> <out.png> [password]
 * Signs in as admin (password: third argument or FENGHUO_DEMO_PASSWORD) and writes <out.png> (the org
 * page) plus <out>-<page>.png for every other page. Viewport 1366×768 unless WIDTH / HEIGHT are set.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, loginAs, watchErrors } from "./browser.js";

const [urlArg, outArg, passwordArg] = process.argv.slice(2);
const passwordValue = passwordArg ?? process.env.FENGHUO_DEMO_PASSWORD;
if (!urlArg || !outArg || !passwordValue) {
  console.error(
    "用法: npx tsx tests/browser/screenshot.ts <url> <out.png> [password]（或设置 FENGHUO_DEMO_PASSWORD）",
  );
  process.exit(2);
}
const out: string = outArg;
const password: string = passwordValue;
const base = urlArg.replace(/\/$/, "");
const width = Number(process.env.WIDTH ?? 1366);
const height = Number(process.env.HEIGHT ?? 768);
const stem = out.replace(/\.png$/, "");
const written: string[] = [];

async function shot(page: Page, name: string | undefined, fullPage = false): Promise<void> {
  const file = name ? `${stem}-${name}.png` : out;
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage });
  written.push(path.resolve(file));
}

/** Every page a duty officer or administrator sees first, in order. */
async function capture(page: Page): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("用户名").waitFor();
  await shot(page, "login");
  await page.getByTestId("language-switch").getByText("English").click();
  await page.getByLabel("Username").waitFor();
  await shot(page, "login-en");
  await page.getByTestId("language-switch").getByText("中文").click();
  await page.getByLabel("用户名").fill("admin");
  await page.getByLabel("密码").fill("wrong-password");
  await page.getByLabel("密码").press("Enter");
  await page.getByTestId("login-error").waitFor();
  await shot(page, "login-error");

  await loginAs(page, base, "admin", password);
  await shot(page, "duty");
  await page.getByRole("menuitem", { name: /风险隐患/ }).click();
  await shot(page, "risks");

  await page.goto(`${base}/org`);
  const root = page.getByRole("treeitem").filter({ hasText: "区突发事件应急委员会" }).first();
  await root.waitFor();
  await root.locator(".ant-tree-switcher").click();
  await page.getByRole("treeitem").filter({ hasText: "建外街道" }).first().waitFor();
  await shot(page, "org-tree");
  await page.locator(".fh-org-tree").evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await shot(page, "org-tree-end");
  await page.getByPlaceholder("搜索单位名称或区划代码").fill("建外");
  await page.getByPlaceholder("搜索单位名称或区划代码").press("Enter");
  await page.getByTestId("org-search-results").getByText("建外街道").first().click();
  await page.getByTestId("unit-detail").getByText("110105001").first().waitFor();
  await shot(page, undefined);
  await shot(page, "org-full", true);

  await page.goto(`${base}/admin/users`);
  await page.locator(".ant-table-row").first().waitFor();
  await shot(page, "users");
  await page.getByRole("button", { name: /新建用户/ }).click();
  await page.getByRole("dialog").waitFor();
  await page.getByRole("dialog").getByLabel("角色").fill("分管");
  await page.locator(".ant-select-item-option").filter({ hasText: "分管区领导" }).click();
  await page.getByRole("dialog").locator(".ant-modal-title").click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /保\s*存/ })
    .click();
  await shot(page, "users-create");
  await page.keyboard.press("Escape");
  await page
    .getByRole("row")
    .filter({ hasText: "leader" })
    .getByRole("button", { name: "编辑" })
    .first()
    .click();
  await page.getByRole("dialog").waitFor();
  await shot(page, "users-edit");
  await page.keyboard.press("Escape");

  await page.goto(`${base}/admin/tokens`);
  await page.getByRole("button", { name: /新建令牌/ }).click();
  await page.getByRole("dialog").getByLabel("名称").fill("截图脚本令牌");
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /新\s*建/ })
    .click();
  await page.getByTestId("token-secret").waitFor();
  await shot(page, "token-created");
  await page.getByRole("button", { name: "关 闭", exact: true }).click();
  await shot(page, "tokens");

  await page.goto(`${base}/audit`);
  await page.locator(".ant-table-row").first().waitFor();
  await page.getByRole("button", { name: /校验哈希链/ }).click();
  await page.getByTestId("verify-result").waitFor();
  await page.locator(".ant-table-row-expand-icon").first().click();
  await shot(page, "audit");

  await page.getByTestId("language-switch").getByText("English").click();
  await page.getByText("Audit log").first().waitFor();
  await shot(page, "audit-en");
  await page.getByTestId("language-switch").getByText("中文").click();
  await page.getByText("审计日志").first().waitFor();
}

const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchErrors(page);
  try {
    await capture(page);
  } catch (error) {
    await page.screenshot({ path: `${stem}-FAILED.png` });
    console.error(`失败时的页面: ${path.resolve(`${stem}-FAILED.png`)}`);
    throw error;
  } finally {
    console.log(written.join("\n"));
    if (errors.length > 0) {
      console.error(`浏览器报告 ${errors.length} 条错误:\n${errors.join("\n")}`);
    }
  }
  await context.close();
} finally {
  await browser.close();
}
