import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/src/clock.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { launchBrowser, loginAs } from "./browser.js";
import { ensureWebBuild } from "./webBuild.js";

/**
 * Issue 14 §1: records' names are typed by street staff and departments and shown to the director.
 * Hostile markup in every name a map or page shows (incident title, command post, cordon, team,
 * warning) must stay text: no element of it is created, no script of it runs — checked with the CSP's
 * protection aside (an `<img>` parsed from a tooltip would fetch its probe URL even if its handler is
 * blocked).
 */
const probe = (what: string) => `<img src="/xss-probe-${what}.png" onerror="window.__xss=1">${what}`;

describe("hostile names on every map and page", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let incidentId = "";
  let warningId = "";
  const probes: string[] = [];
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ clock });
    const duty = await server.login("duty");
    const reg = await duty.post<{ id: string }>("/api/incidents", {
      title: probe("incident"),
      subtypeId: "gas",
      occurredAt: new Date(clock.now().getTime() - 10 * 60_000).toISOString(),
      sourceChannel: "119",
      divisionCode: "110105001",
      address: probe("address"),
      location: { lat: 39.9075, lng: 116.4525 },
      level: "larger",
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    incidentId = reg.body.id;
    const director = await server.login("director");
    expect((await director.post(`/api/incidents/${incidentId}/response`, { level: "level_i" })).status).toBe(
      201,
    );
    const chengguan = await server.login("chengguan");
    const leader = await server.login("leader");
    const leaderId = (await leader.get<{ user: { id: string } }>("/api/me")).body.user.id;
    const post = await chengguan.post<{ id: string }>(`/api/incidents/${incidentId}/command-post`, {
      name: probe("post"),
      address: "建国门外大街",
      location: { lat: 39.9081, lng: 116.4531 },
      roles: [{ roleId: "commander", holderName: "分管区领导 孙伟", userId: leaderId }],
    });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const cordon = await chengguan.post(`/api/command-posts/${post.body.id}/cordons`, {
      kind: "core",
      name: probe("cordon"),
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.451, 39.9068],
            [116.454, 39.9068],
            [116.454, 39.9083],
            [116.451, 39.9083],
            [116.451, 39.9068],
          ],
        ],
      },
    });
    expect(cordon.status, JSON.stringify(cordon.body)).toBe(201);
    const team = await chengguan.post<{ id: string }>("/api/teams", {
      name: probe("team"),
      kind: "professional",
      headcount: 12,
      ownerUnitId: "dept-chengguan",
      phone: "010-85990000",
      lat: 39.909,
      lng: 116.451,
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const dispatch = await chengguan.post<{ id: string }>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: team.body.id,
      destination: "建外街道",
      lat: 39.908,
      lng: 116.452,
    });
    expect(dispatch.status, JSON.stringify(dispatch.body)).toBe(201);
    expect((await chengguan.post(`/api/dispatches/${dispatch.body.id}/dispatch`)).status).toBe(200);
    const staff = await server.login("chengguan_staff");
    const warning = await staff.post<{ id: string }>("/api/warnings", {
      colour: "yellow",
      subtypeId: "gas",
      title: probe("warning"),
      onsetAt: new Date(clock.now().getTime()).toISOString(),
      expiresAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
      content: {
        precautions: probe("precautions"),
        situation: "压力波动",
        governmentMeasures: "抢修",
        publicAdvice: probe("advice"),
        hotline: "010-96777",
      },
      area: { divisionCodes: ["110105001"], features: [] },
    });
    expect(warning.status, JSON.stringify(warning.body)).toBe(201);
    warningId = warning.body.id;

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
    page = await context.newPage();
    page.on("request", (r) => {
      if (r.url().includes("xss-probe")) {
        probes.push(r.url());
      }
    });
    await loginAs(page, server.url, "director", server.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function expectInert(where: string) {
    const state = await page.evaluate(() => ({
      ran: (window as unknown as { __xss?: number }).__xss ?? 0,
      images: document.querySelectorAll('img[src*="xss-probe"]').length,
    }));
    expect({ where, ...state, probes }).toEqual({ where, ran: 0, images: 0, probes: [] });
  }

  /** Hovers every interactive layer of the Leaflet maps on the page so each tooltip is rendered. */
  async function hoverMapLayers() {
    const layers = page.locator(".leaflet-container .leaflet-interactive");
    const n = await layers.count();
    for (let i = 0; i < n; i++) {
      await layers.nth(i).hover({ force: true });
    }
    return n;
  }

  it("keeps the response workspace and its map inert, tooltips showing the names as text", async () => {
    await page.goto(`${server.url}/response/${incidentId}`);
    await page.getByText("incident", { exact: false }).first().waitFor();
    await page.locator(".leaflet-container").first().waitFor();
    expect(await hoverMapLayers()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator(".leaflet-tooltip").count()).toBeGreaterThan(0);
    const tooltips = await page.locator(".leaflet-tooltip").allTextContents();
    expect(tooltips.join(" ")).toContain('<img src="/xss-probe-');
    await expectInert("response workspace");
  });

  it("keeps the duty desk and the incident detail inert", async () => {
    await page.goto(`${server.url}/duty`);
    await page.getByText("xss-probe-incident", { exact: false }).first().waitFor();
    await expectInert("duty desk");
    await page.goto(`${server.url}/duty/incidents/${incidentId}`);
    await page.getByText("xss-probe-incident", { exact: false }).first().waitFor();
    await expectInert("incident detail");
  });

  it("keeps the resources map and the team registry inert", async () => {
    await page.goto(`${server.url}/resources/map`);
    await page.locator(".leaflet-container").first().waitFor();
    await page.goto(`${server.url}/resources/teams`);
    await page.getByText("xss-probe-team", { exact: false }).first().waitFor();
    await expectInert("team registry");
  });

  it("keeps the warnings list and detail inert", async () => {
    await page.goto(`${server.url}/warnings`);
    await page.getByText("xss-probe-warning", { exact: false }).first().waitFor();
    await expectInert("warnings list");
    await page.goto(`${server.url}/warnings/${warningId}`);
    await page.getByText("xss-probe-warning", { exact: false }).first().waitFor();
    await hoverMapLayers();
    await expectInert("warning detail");
  });
});
