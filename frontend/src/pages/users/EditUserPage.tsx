export default function EditUserPage() {
  return <div>EditUserPage</div>;
}
