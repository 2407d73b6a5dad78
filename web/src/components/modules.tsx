import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BookOutlined,
  FileSearchOutlined,
  MedicineBoxOutlined,
  PhoneOutlined,
  SettingOutlined,
  ThunderboltOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";

/** Modules not built yet; each gets a "建设中" page that names it. (值班信息 is the duty desk, issue 4.) */
export const PLANNED_MODULES = ["resources", "risks"] as const;
export type PlannedModule = (typeof PLANNED_MODULES)[number];

export type ModuleKey =
  | PlannedModule
  | "duty"
  | "warnings"
  | "response"
  | "plans"
  | "org"
  | "audit"
  | "admin";

export interface MenuEntry {
  key: ModuleKey;
  path: string;
  icon: ReactNode;
  /** Shown only with this server permission (GET /api/me → permissions). */
  permission?: string;
  children?: { key: "users" | "tokens"; path: string; permission?: string }[];
}

/** The left menu, in the order of the duty officer's day: desk first, administration last. */
export const MENU: MenuEntry[] = [
  { key: "duty", path: "/duty", icon: <PhoneOutlined /> },
  { key: "warnings", path: "/warnings", icon: <AlertOutlined /> },
  { key: "response", path: "/response", icon: <ThunderboltOutlined /> },
  { key: "resources", path: "/resources", icon: <MedicineBoxOutlined /> },
  { key: "risks", path: "/risks", icon: <FileSearchOutlined /> },
  { key: "plans", path: "/plans", icon: <BookOutlined /> },
  { key: "org", path: "/org", icon: <ApartmentOutlined /> },
  { key: "audit", path: "/audit", icon: <AuditOutlined />, permission: "audit.read" },
  {
    key: "admin",
    path: "/admin",
    icon: <SettingOutlined />,
    children: [
      { key: "users", path: "/admin/users", permission: "user.list" },
      { key: "tokens", path: "/admin/tokens" },
    ],
  },
];
