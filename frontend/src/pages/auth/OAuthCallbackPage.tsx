export default function OAuthCallbackPage() {
  return <div>OAuthCallbackPage</div>;
}
