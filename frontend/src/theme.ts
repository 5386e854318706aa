import type { ThemeConfig } from "antd";

// The one theme: antd's defaults with a calmer primary colour and rounder corners.
export const theme: ThemeConfig = {
  token: {
    colorPrimary: "#3b5bdb",
    borderRadius: 8,
    fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif",
  },
};
