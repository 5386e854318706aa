export default function EditRedemptionPage() {
  return <div>EditRedemptionPage</div>;
}
