/**
 * Public subscriptions to warning SMS / e-mail by street or location (issue 5 §6). A repeated
 * subscription of the same phone or address updates its place; the answer never says whether the
 * address was known before.
 */
import { randomUUID } from "node:crypto";
import { booleanPointInPolygon, point } from "@turf/turf";
import type { AppContext } from "../../context.js";
import { badRequest, type FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { districtOutline } from "../geo/index.js";
import { findSubscriber, gridCell, insertSubscribers, updateSubscriber } from "./repository.js";
import type { SubscriptionBody } from "./schema.js";

export const MOBILE = /^1[3-9][0-9]{9}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** 138****0000 / z***@example.com: how staff screens and the audit log show a subscriber. */
export function maskAddress(address: string): string {
  if (MOBILE.test(address)) {
    return `${address.slice(0, 3)}****${address.slice(7)}`;
  }
  const at = address.indexOf("@");
  return at > 0 ? `${address[0]}***${address.slice(at)}` : "***";
}

export async function subscribe(ctx: AppContext, scope: CommandScope, body: SubscriptionBody): Promise<void> {
  const errors: FieldError[] = [];
  const address = body.address.trim();
  if (body.channel === "sms" && !MOBILE.test(address)) {
    errors.push({ path: "address", message: "请填写 11 位手机号码" });
  }
  if (body.channel === "email" && !EMAIL.test(address)) {
    errors.push({ path: "address", message: "电子邮箱格式不正确" });
  }
  if (body.divisionCode === undefined && body.location === undefined) {
    errors.push({ path: "divisionCode", message: "请选择街道（乡）或提供位置" });
  }
  if (body.divisionCode !== undefined) {
    const [unit] = await ctx.units.many([body.divisionCode]);
    if (!unit || !["street", "township", "community", "village"].includes(unit.type)) {
      errors.push({ path: "divisionCode", message: "不是本区的街道（乡）或社区（村）" });
    }
  }
  if (body.location !== undefined) {
    const outline = districtOutline(ctx.plan.profile.meta.district.code);
    if (!booleanPointInPolygon(point([body.location.lon, body.location.lat]), outline.tolerant())) {
      errors.push({ path: "location", message: `位置不在${outline.name}辖区内` });
    }
  }
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
  const place = {
    division_code: body.divisionCode ?? null,
    lon: body.location?.lon ?? null,
    lat: body.location?.lat ?? null,
    cell: body.location ? gridCell(body.location.lon, body.location.lat) : null,
  };
  const existing = await findSubscriber(scope.trx, body.channel, address);
  const id = existing?.id ?? randomUUID();
  if (existing) {
    await updateSubscriber(scope.trx, existing.id, {
      ...place,
      name: body.name ?? existing.name,
      unsubscribed_at: null,
    });
  } else {
    await insertSubscribers(scope.trx, [
      {
        id,
        channel: body.channel,
        address,
        name: body.name ?? null,
        ...place,
        created_at: scope.now.toISOString(),
        unsubscribed_at: null,
      },
    ]);
  }
  await scope.audit({
    action: existing ? "subscriber.update" : "subscriber.create",
    entityType: "warning_subscriber",
    entityId: id,
    after: {
      channel: body.channel,
      address: maskAddress(address),
      divisionCode: body.divisionCode ?? null,
      located: !!body.location,
    },
  });
}
