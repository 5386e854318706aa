export default function TokensPage() {
  return <div>TokensPage</div>;
}
