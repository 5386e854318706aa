// The frame around every page: side menu (a drawer on phones), header with language and account
// menus, and the admin's footer.
import {
  ApiOutlined, AppstoreOutlined, BarChartOutlined, DollarOutlined, FileTextOutlined, GiftOutlined,
  HomeOutlined, InfoCircleOutlined, KeyOutlined, LogoutOutlined, MenuOutlined, MessageOutlined,
  SettingOutlined, TeamOutlined, TranslationOutlined, UserOutlined,
} from "@ant-design/icons";
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography } from "antd";
import { Suspense, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import RichContent from "../components/RichContent";
import PageLoading from "../components/PageLoading";
import { LANGUAGES, switchLanguage, type Language } from "../i18n";
import { ROLE_ADMIN, useSession } from "../session";

interface Item {
  key: string;
  icon: ReactNode;
  label: string;
  minRole: number;
  hidden?: boolean;
}

function useMenuItems(): Item[] {
  const { t } = useTranslation();
  const { status } = useSession();
  return [
    { key: "/", icon: <HomeOutlined aria-hidden />, label: t("nav.home"), minRole: 0 },
    { key: "/dashboard", icon: <BarChartOutlined aria-hidden />, label: t("nav.dashboard"), minRole: 1 },
    { key: "/channel", icon: <ApiOutlined aria-hidden />, label: t("nav.channels"), minRole: ROLE_ADMIN },
    { key: "/token", icon: <KeyOutlined aria-hidden />, label: t("nav.tokens"), minRole: 1 },
    { key: "/redemption", icon: <GiftOutlined aria-hidden />, label: t("nav.redemptions"), minRole: ROLE_ADMIN },
    { key: "/topup", icon: <DollarOutlined aria-hidden />, label: t("nav.topup"), minRole: 1 },
    { key: "/user", icon: <TeamOutlined aria-hidden />, label: t("nav.users"), minRole: ROLE_ADMIN },
    { key: "/log", icon: <FileTextOutlined aria-hidden />, label: t("nav.logs"), minRole: 1 },
    { key: "/chat", icon: <MessageOutlined aria-hidden />, label: t("nav.chat"), minRole: 1, hidden: !status.chat_link },
    { key: "/setting", icon: <SettingOutlined aria-hidden />, label: t("nav.settings"), minRole: 1 },
    { key: "/about", icon: <InfoCircleOutlined aria-hidden />, label: t("nav.about"), minRole: 0 },
  ];
}

function SideMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { user } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const role = user?.role ?? 0;
  const items = useMenuItems()
    .filter((item) => !item.hidden && role >= item.minRole)
    .map(({ key, icon, label }) => ({ key, icon, label }));
  const section = "/" + (location.pathname.split("/")[1] ?? "");
  return (
    <Menu
      mode="inline"
      selectedKeys={[section]}
      items={items}
      onClick={({ key }) => {
        navigate(key);
        onNavigate?.();
      }}
      style={{ borderInlineEnd: "none" }}
    />
  );
}

function AccountMenu() {
  const { t, i18n } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const languages = LANGUAGES.map(({ code, label }) => ({ key: code, label }));
  return (
    <Space size="small">
      <Dropdown
        menu={{ items: languages, selectable: true, selectedKeys: [i18n.language], onClick: ({ key }) => switchLanguage(key as Language) }}
      >
        <Button type="text" icon={<TranslationOutlined aria-hidden />} aria-label={t("language")} />
      </Dropdown>
      {user ? (
        <Dropdown
          menu={{
            items: [
              { key: "setting", icon: <UserOutlined aria-hidden />, label: t("nav.settings") },
              { key: "logout", icon: <LogoutOutlined aria-hidden />, label: t("logout") },
            ],
            onClick: async ({ key }) => {
              if (key === "logout") {
                await logout();
                navigate("/login");
              } else navigate("/setting");
            },
          }}
        >
          <Button type="text" icon={<UserOutlined aria-hidden />}>{user.display_name || user.username}</Button>
        </Dropdown>
      ) : (
        <Button type="primary" onClick={() => navigate("/login")}>{t("login")}</Button>
      )}
    </Space>
  );
}

/** Logo and site name; a long name wraps to two lines, then ends in an ellipsis with the full name as a tooltip. */
function Brand() {
  const { status } = useSession();
  const name = status.system_name || "Tollgate";
  return (
    <Link to="/" style={{ display: "flex", alignItems: "center", gap: 8, minWidth: 0 }}>
      {status.logo
        ? <img src={status.logo} alt="" style={{ height: 28, flex: "none" }} />
        : <AppstoreOutlined aria-hidden style={{ fontSize: 22, flex: "none" }} />}
      <Typography.Paragraph strong ellipsis={{ rows: 2, tooltip: name }}
        style={{ fontSize: 16, lineHeight: 1.25, margin: 0, minWidth: 0, wordBreak: "break-word" }}>
        {name}
      </Typography.Paragraph>
    </Link>
  );
}

function Footer() {
  const { status } = useSession();
  const { t } = useTranslation();
  return (
    <Layout.Footer style={{ textAlign: "center", color: "#888", padding: "16px 24px" }}>
      {status.footer_html ? (
        <RichContent content={status.footer_html} />
      ) : (
        <span>{status.system_name || "Tollgate"} {status.version ?? ""} · {t("footer")}</span>
      )}
    </Layout.Footer>
  );
}

export default function AppLayout() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  return (
    <Layout style={{ minHeight: "100vh" }}>
      {!phone && (
        <Layout.Sider theme="light" width={216} breakpoint="lg" collapsedWidth={64} style={{ borderInlineEnd: "1px solid #f0f0f0" }}>
          <div style={{ padding: "16px 20px" }}><Brand /></div>
          <SideMenu />
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: "#fff", padding: "0 16px", display: "flex", alignItems: "center", justifyContent: "space-between", borderBottom: "1px solid #f0f0f0" }}>
          {phone ? (
            <Space>
              <Button type="text" icon={<MenuOutlined aria-hidden />} aria-label={t("menu")} onClick={() => setDrawerOpen(true)} />
              <Brand />
            </Space>
          ) : <span />}
          <AccountMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: phone ? 12 : 24 }}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
        <Footer />
      </Layout>
      <Drawer placement="left" open={phone && drawerOpen} onClose={() => setDrawerOpen(false)} size={240} title={<Brand />}>
        <SideMenu onNavigate={() => setDrawerOpen(false)} />
      </Drawer>
    </Layout>
  );
}
