export default function ChannelsPage() {
  return <div>ChannelsPage</div>;
}
