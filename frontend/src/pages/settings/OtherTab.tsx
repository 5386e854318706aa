// Other settings (root): branding and the texts shown on the home, about and footer areas.
import { Col, Row } from "antd";
import ContentEditor, { type ContentKind } from "./ContentEditor";
import type { OptionStore } from "./useOptions";

const CONTENT: { key: string; kind: ContentKind; wide?: boolean }[] = [
  { key: "SystemName", kind: "line" },
  { key: "Logo", kind: "image" },
  { key: "Notice", kind: "rich", wide: true },
  { key: "HomePageContent", kind: "rich", wide: true },
  { key: "About", kind: "rich", wide: true },
  { key: "Footer", kind: "rich", wide: true },
];

export default function OtherTab({ store }: { store: OptionStore }) {
  return (
    <Row gutter={[16, 16]}>
      {CONTENT.map(({ key, kind, wide }) => (
        <Col key={key} xs={24} xl={wide ? 24 : 12}>
          <ContentEditor optionKey={key} kind={kind} store={store} />
        </Col>
      ))}
    </Row>
  );
}
