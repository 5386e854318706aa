// Admin-provided content (Notice, About, HomePageContent, Footer): Markdown or HTML, always
// sanitised with DOMPurify; an https:// URL is shown in a sandboxed frame instead.
import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo } from "react";

export function isFrameUrl(content: string): boolean {
  return /^https:\/\/\S+$/.test(content.trim());
}

export function sanitizedHtml(content: string): string {
  const html = marked.parse(content, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

interface Props {
  content: string;
  title?: string;
  frameHeight?: string;
}

export default function RichContent({ content, title = "content", frameHeight = "80vh" }: Props) {
  const html = useMemo(() => (isFrameUrl(content) ? "" : sanitizedHtml(content)), [content]);
  if (isFrameUrl(content)) {
    return (
      <iframe
        title={title}
        src={content.trim()}
        sandbox="allow-scripts allow-same-origin allow-popups allow-forms"
        style={{ width: "100%", height: frameHeight, border: "none" }}
      />
    );
  }
  return <div className="rich-content" dangerouslySetInnerHTML={{ __html: html }} />;
}
