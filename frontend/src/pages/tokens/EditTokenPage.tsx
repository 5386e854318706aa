export default function EditTokenPage() {
  return <div>EditTokenPage</div>;
}
