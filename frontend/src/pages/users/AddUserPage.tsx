export default function AddUserPage() {
  return <div>AddUserPage</div>;
}
