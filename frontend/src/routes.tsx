// Every page and who may see it. Pages load lazily so the login page does not wait for the charts.
import { lazy, type ReactNode } from "react";
import type { RouteObject } from "react-router";
import RequireRole from "./components/RequireRole";
import AppLayout from "./layout/AppLayout";
import { ROLE_ADMIN } from "./session";

const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Page = lazy(load);
  return <Page />;
};
const member = (element: ReactNode, minRole = 1) => <RequireRole minRole={minRole}>{element}</RequireRole>;

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      { path: "/", element: page(() => import("./pages/home/HomePage")) },
      { path: "/about", element: page(() => import("./pages/home/AboutPage")) },
      { path: "/login", element: page(() => import("./pages/auth/LoginPage")) },
      { path: "/register", element: page(() => import("./pages/auth/RegisterPage")) },
      { path: "/reset", element: page(() => import("./pages/auth/ResetRequestPage")) },
      { path: "/user/reset", element: page(() => import("./pages/auth/ResetConfirmPage")) },
      { path: "/oauth/:provider", element: page(() => import("./pages/auth/OAuthCallbackPage")) },
      { path: "/dashboard", element: member(page(() => import("./pages/dashboard/DashboardPage"))) },
      { path: "/channel", element: member(page(() => import("./pages/channels/ChannelsPage")), ROLE_ADMIN) },
      { path: "/channel/add", element: member(page(() => import("./pages/channels/EditChannelPage")), ROLE_ADMIN) },
      { path: "/channel/edit/:id", element: member(page(() => import("./pages/channels/EditChannelPage")), ROLE_ADMIN) },
      { path: "/token", element: member(page(() => import("./pages/tokens/TokensPage"))) },
      { path: "/token/add", element: member(page(() => import("./pages/tokens/EditTokenPage"))) },
      { path: "/token/edit/:id", element: member(page(() => import("./pages/tokens/EditTokenPage"))) },
      { path: "/redemption", element: member(page(() => import("./pages/redemptions/RedemptionsPage")), ROLE_ADMIN) },
      { path: "/redemption/add", element: member(page(() => import("./pages/redemptions/EditRedemptionPage")), ROLE_ADMIN) },
      { path: "/redemption/edit/:id", element: member(page(() => import("./pages/redemptions/EditRedemptionPage")), ROLE_ADMIN) },
      { path: "/topup", element: member(page(() => import("./pages/topup/TopUpPage"))) },
      { path: "/user", element: member(page(() => import("./pages/users/UsersPage")), ROLE_ADMIN) },
      { path: "/user/add", element: member(page(() => import("./pages/users/AddUserPage")), ROLE_ADMIN) },
      { path: "/user/edit", element: member(page(() => import("./pages/users/EditUserPage"))) },
      { path: "/user/edit/:id", element: member(page(() => import("./pages/users/EditUserPage")), ROLE_ADMIN) },
      { path: "/log", element: member(page(() => import("./pages/logs/LogsPage"))) },
      { path: "/setting", element: member(page(() => import("./pages/settings/SettingsPage"))) },
      { path: "/chat", element: member(page(() => import("./pages/home/ChatPage"))) },
      { path: "*", element: page(() => import("./pages/home/NotFoundPage")) },
    ],
  },
];
