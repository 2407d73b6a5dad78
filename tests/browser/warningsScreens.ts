/**
 * Screenshots of the warnings pages for a human to look at:
 *   npx tsx tests/browser/warningsScreens.ts <url> <outDir> <password>
 */
import { launchBrowser, loginAs } from "./browser.js";

const [base = "", out = "/tmp", password = ""] = process.argv.slice(2);
const browser = await launchBrowser();
try {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    timezoneId: "Asia/Shanghai",
    deviceScaleFactor: 1,
  });
  const p = await phone.newPage();
  await p.goto(`${base}/public`);
  await p.getByTestId("public-warning").first().waitFor();
  await p.waitForTimeout(800);
  await p.screenshot({ path: `${out}/public-phone.png`, fullPage: true });
  await p.getByRole("tab", { name: /历史预警/ }).click();
  await p.waitForTimeout(300);
  await p.screenshot({ path: `${out}/public-history.png`, fullPage: true });
  await p.getByRole("tab", { name: /订阅预警/ }).click();
  await p.waitForTimeout(300);
  await p.screenshot({ path: `${out}/public-subscribe.png`, fullPage: true });
  await p.goto(`${base}/public`);
  await p.locator("a.fh-public-title").first().click();
  await p.waitForTimeout(800);
  await p.screenshot({ path: `${out}/public-detail.png`, fullPage: true });

  const desk = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: "Asia/Shanghai",
  });
  const page = await desk.newPage();
  await loginAs(page, base, process.env.SHOT_USER ?? "leader", password);
  await page.goto(`${base}/warnings`);
  await page.getByTestId("warning-card").first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/board.png` });
  await page.getByRole("tab", { name: /待我处理/ }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/inbox.png` });
  await page.getByRole("tab", { name: /预警态势/ }).click();
  await page.getByTestId("warning-card").first().getByRole("link").click();
  await page
    .getByTestId("awaiting")
    .or(page.getByRole("tab", { name: /预警内容/ }))
    .first()
    .waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/detail.png` });
  await page.getByRole("tab", { name: /措施与任务/ }).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/detail-tasks.png` });
  await page.getByRole("tab", { name: /影响范围/ }).click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${out}/detail-area.png` });
  await page.getByRole("tab", { name: /处理记录/ }).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/detail-history.png` });

  const staffCtx = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: "Asia/Shanghai",
  });
  const staff = await staffCtx.newPage();
  await loginAs(staff, base, "chengguan_staff", password);
  await staff.goto(`${base}/warnings/new`);
  await staff.getByLabel("标题", { exact: true }).waitFor();
  await staff.getByLabel("标题", { exact: true }).fill("建外街道燃气管网压力异常黄色预警");
  await staff
    .getByLabel("公众防御建议")
    .fill("闻到燃气味请勿开关电器，立即开窗并撤离，拨打 96777 报修；老人和儿童请由家人陪同撤离到安全地点。");
  await staff.getByLabel("咨询电话").fill("96777");
  await staff.waitForTimeout(800);
  await staff.screenshot({ path: `${out}/form.png` });
  await staff.screenshot({ path: `${out}/form-full.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log("ok");
