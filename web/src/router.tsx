import { createBrowserRouter, Navigate } from "react-router";
import { AppLayout } from "./components/AppLayout.js";
import { PLANNED_MODULES } from "./components/modules.js";
import { RequireAuth } from "./components/RequireAuth.js";
import { AuditPage } from "./pages/AuditPage.js";
import { DutyDeskPage } from "./pages/incidents/DutyDeskPage.js";
import { IncidentDetailPage } from "./pages/incidents/IncidentDetailPage.js";
import { LoginPage } from "./pages/LoginPage.js";
import { NotFoundPage } from "./pages/NotFoundPage.js";
import { OrgPage } from "./pages/OrgPage.js";
import { PlanPage } from "./pages/plans/PlanPage.js";
import { TokensPage } from "./pages/TokensPage.js";
import { UnderConstructionPage } from "./pages/UnderConstructionPage.js";
import { UsersPage } from "./pages/UsersPage.js";

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/duty" replace /> },
      // Issue 4 (值班台): listed before the planned modules so it wins over the "duty" placeholder.
      { path: "duty", element: <DutyDeskPage /> },
      { path: "duty/incidents/:id", element: <IncidentDetailPage /> },
      ...PLANNED_MODULES.map((module) => ({
        path: module,
        element: <UnderConstructionPage key={module} module={module} />,
      })),
      { path: "plans", element: <PlanPage /> },
      { path: "org", element: <OrgPage /> },
      { path: "org/:unitId", element: <OrgPage /> },
      { path: "audit", element: <AuditPage /> },
      { path: "admin", element: <Navigate to="/admin/users" replace /> },
      { path: "admin/users", element: <UsersPage /> },
      { path: "admin/tokens", element: <TokensPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
