export default function EditChannelPage() {
  return <div>EditChannelPage</div>;
}
