// Personal settings, for everyone: profile, access token and invite link, linked accounts, account deletion.
import { Col, Row } from "antd";
import AccessCard from "./AccessCard";
import BindingsCard from "./BindingsCard";
import DeleteAccountCard from "./DeleteAccountCard";
import ProfileCard from "./ProfileCard";

export default function PersonalTab() {
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}><ProfileCard /></Col>
      <Col xs={24} lg={12}><AccessCard /></Col>
      <Col xs={24} lg={12}><BindingsCard /></Col>
      <Col span={24}><DeleteAccountCard /></Col>
    </Row>
  );
}
