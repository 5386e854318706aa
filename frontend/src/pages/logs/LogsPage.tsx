export default function LogsPage() {
  return <div>LogsPage</div>;
}
