import { Spin } from "antd";

export default function PageLoading() {
  return (
    <div style={{ display: "flex", justifyContent: "center", padding: "15vh 0" }}>
      <Spin size="large" />
    </div>
  );
}
