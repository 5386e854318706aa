export default function ChatPage() {
  return <div>ChatPage</div>;
}
