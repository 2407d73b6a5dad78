import type { TFunction } from "i18next";
import { ORG_UNIT_TYPES, type OrgUnitType, ROLES, type Role } from "../../../shared/roles.js";
import { messages } from "../i18n/index.js";

export const isRole = (value: string): value is Role => ROLES.some((r) => r === value);
export const isOrgUnitType = (value: string): value is OrgUnitType => ORG_UNIT_TYPES.some((t) => t === value);

/** A role's label in the UI language; an unknown code (newer server) is shown as is. */
export function roleLabel(t: TFunction, role: string): string {
  return isRole(role) ? t(`roles.${role}`) : role;
}

export function unitTypeLabel(t: TFunction, type: string): string {
  return isOrgUnitType(type) ? t(`unitTypes.${type}`) : type;
}

function lookup(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Audit action codes contain dots, so they are looked up in the table rather than through t(). */
export function auditActionLabel(action: string): string {
  return lookup(messages().auditActions, action) ?? action;
}

export function entityTypeLabel(entityType: string): string {
  return lookup(messages().entityTypes, entityType) ?? entityType;
}

/** Labels for the free-form `attrs` of an org unit; unknown keys are shown as is. */
export function orgAttrLabel(key: string): string {
  return lookup(messages().orgAttrs, key) ?? key;
}
