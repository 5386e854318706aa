export default function ResetRequestPage() {
  return <div>ResetRequestPage</div>;
}
