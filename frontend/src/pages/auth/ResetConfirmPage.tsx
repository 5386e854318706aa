export default function ResetConfirmPage() {
  return <div>ResetConfirmPage</div>;
}
