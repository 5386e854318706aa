import { Spin } from "antd";

export default function PageLoading() {
  return <Spin size="large" style={{ display: "block", margin: "15vh auto" }} />;
}
