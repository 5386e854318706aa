export default function RedemptionsPage() {
  return <div>RedemptionsPage</div>;
}
