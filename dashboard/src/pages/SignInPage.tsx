import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { signInWithRootKey } from "../api/sessions";
import { ErrorNote } from "../ui/ErrorNote";

/**
 * Sign-in with a root key (exchanged once for a session cookie; the key is kept in no storage
 * and the field is cleared) or with GitHub (the server answers 404 when no App is configured).
 */
export function SignInPage() {
  const navigate = useNavigate();
  const { next } = useSearch({ from: "/sign-in" });
  const [rootKey, setRootKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await signInWithRootKey(rootKey.trim());
      setRootKey("");
      await navigate({ to: next ?? "/projects" });
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="sign-in">
      <div className="card sign-in-card">
        <h1>Sign in to Slipway</h1>
        <form onSubmit={onSubmit} className="sign-in-form">
          <label>
            Root key
            <input
              type="password"
              name="rootKey"
              autoComplete="off"
              spellCheck={false}
              required
              value={rootKey}
              onChange={(event) => setRootKey(event.target.value)}
            />
          </label>
          <button type="submit" disabled={pending || rootKey.trim() === ""}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
          <ErrorNote error={error} />
        </form>
        <p className="muted">
          Or <a href="/auth/github/start">sign in with GitHub</a> (when this Slipway has a GitHub
          App).
        </p>
      </div>
    </main>
  );
}
