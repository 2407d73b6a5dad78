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
import { PublicSheltersPage } from "./pages/public/PublicShelters.js";
import { resourcesRoute } from "./pages/resources/routes.js";
import { IncidentWorkspacePage } from "./pages/response/IncidentWorkspacePage.js";
import { ResponseListPage } from "./pages/response/ResponseListPage.js";
import { TokensPage } from "./pages/TokensPage.js";
import { UnderConstructionPage } from "./pages/UnderConstructionPage.js";
import { UsersPage } from "./pages/UsersPage.js";
import { PublicPortalPage } from "./pages/warnings/PublicPortalPage.js";
import { WarningDetailPage } from "./pages/warnings/WarningDetailPage.js";
import { WarningFormPage } from "./pages/warnings/WarningFormPage.js";
import { WarningsPage } from "./pages/warnings/WarningsPage.js";

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  // Issue 5: the public portal needs no login.
  { path: "/public", element: <PublicPortalPage /> },
  { path: "/public/warnings/:id", element: <PublicPortalPage /> },
  // Issue 6: open shelters for the public, nearest first.
  { path: "/public/shelters", element: <PublicSheltersPage /> },
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
      // Issue 5 (预警).
      { path: "warnings", element: <WarningsPage /> },
      { path: "warnings/new", element: <WarningFormPage /> },
      { path: "warnings/:id", element: <WarningDetailPage /> },
      { path: "warnings/:id/edit", element: <WarningFormPage /> },
      // Issue 6 (应急资源): before the planned modules so it wins over the "resources" placeholder.
      resourcesRoute,
      ...PLANNED_MODULES.map((module) => ({
        path: module,
        element: <UnderConstructionPage key={module} module={module} />,
      })),
      { path: "plans", element: <PlanPage /> },
      { path: "response", element: <ResponseListPage /> },
      { path: "response/:incidentId", element: <IncidentWorkspacePage /> },
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
