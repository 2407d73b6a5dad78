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

const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  const errors = watchErrors(page);

  await page.goto(`${base}/login`);
  await page.getByLabel("用户名").waitFor();
  await shot(page, "login");
  await page.getByLabel("用户名").fill("admin");
  await page.getByLabel("密码").fill("wrong-password");
  await page.getByLabel("密码").press("Enter");
  await page.getByTestId("login-error").waitFor();
  await shot(page, "login-error");

  await loginAs(page, base, "admin", password);
  await shot(page, "duty");

  await page.goto(`${base}/org`);
  await page.getByText("区突发事件应急委员会").first().waitFor();
  await shot(page, "org-tree");
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
  await shot(page, "users-create");
  await page.keyboard.press("Escape");

  await page.goto(`${base}/admin/tokens`);
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

  await context.close();
  console.log(written.join("\n"));
  if (errors.length > 0) {
    console.error(`页面错误 ${errors.length} 条:\n${errors.join("\n")}`);
  }
} finally {
  await browser.close();
}
