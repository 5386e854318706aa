export default function TopUpPage() {
  return <div>TopUpPage</div>;
}
