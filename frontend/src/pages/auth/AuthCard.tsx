// The frame of every sign-in page: a centred card on a soft background, the system's logo and name on top.
import { SafetyCertificateFilled } from "@ant-design/icons";
import { Card, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useSession } from "../../session";

interface Props {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Links under the card, e.g. "No account? Create one". */
  footer?: ReactNode;
}

const backdrop: React.CSSProperties = {
  minHeight: "calc(100vh - 180px)",
  display: "flex",
  alignItems: "center",
  justifyContent: "center",
  padding: "24px 0",
  borderRadius: 16,
  background: "linear-gradient(160deg, rgba(59,91,219,0.07) 0%, rgba(77,171,247,0.04) 50%, rgba(18,184,134,0.07) 100%)",
};

export function SystemMark({ size = 44 }: { size?: number }) {
  const { status } = useSession();
  const name = status.system_name || "Tollgate";
  return (
    <Link to="/" style={{ display: "inline-flex", flexDirection: "column", alignItems: "center", gap: 8 }}>
      {status.logo ? (
        <img src={status.logo} alt="" style={{ height: size, maxWidth: 160, objectFit: "contain" }} />
      ) : (
        <span
          aria-hidden
          style={{
            width: size, height: size, borderRadius: size / 4, display: "inline-flex", alignItems: "center",
            justifyContent: "center", background: "linear-gradient(135deg, #3b5bdb, #4dabf7)", color: "#fff",
            fontSize: size * 0.55,
          }}
        >
          <SafetyCertificateFilled />
        </span>
      )}
      <Typography.Text strong style={{ fontSize: 18 }}>{name}</Typography.Text>
    </Link>
  );
}

export default function AuthCard({ title, subtitle, children, footer }: Props) {
  return (
    <div style={backdrop}>
      <div style={{ width: "100%", maxWidth: 420 }}>
        <div style={{ textAlign: "center", marginBottom: 20 }}>
          <SystemMark />
        </div>
        <Card
          variant="borderless"
          style={{ boxShadow: "0 8px 28px rgba(31, 45, 61, 0.08)", borderRadius: 14 }}
          styles={{ body: { padding: "28px clamp(18px, 6vw, 28px) 20px" } }}
        >
          <Typography.Title level={3} style={{ marginTop: 0, marginBottom: subtitle ? 4 : 20, textAlign: "center" }}>
            {title}
          </Typography.Title>
          {subtitle && (
            <Typography.Paragraph type="secondary" style={{ textAlign: "center", marginBottom: 20 }}>
              {subtitle}
            </Typography.Paragraph>
          )}
          {children}
        </Card>
        {footer && <div style={{ textAlign: "center", marginTop: 16 }}>{footer}</div>}
      </div>
    </div>
  );
}
