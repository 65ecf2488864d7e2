import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { signInWithRootKey } from "../api/sessions";
import { ErrorNote } from "../ui/ErrorNote";

/** What the sign-in page says when the API sends a browser back from GitHub without a session. */
const githubRefusals: Record<string, string> = {
  not_member:
    "Your GitHub account cannot access any installation of the GitHub App that a Slipway workspace uses. Ask a workspace's owner to install the App on an account you belong to, or sign in with a root key.",
  declined: "GitHub did not authorize the sign-in. Try again, or sign in with a root key.",
  start_again: "That GitHub sign-in expired or was already used. Sign in with GitHub again.",
  not_configured: "This Slipway has no GitHub App for sign-in. Sign in with a root key.",
};

/**
 * Sign-in with a root key (exchanged once for a session cookie; the key is kept in no storage
 * and the field is cleared) or with GitHub (the server answers 404 when no App is configured).
 */
export function SignInPage() {
  const navigate = useNavigate();
  const { next, github } = useSearch({ from: "/sign-in" });
  const githubRefusal = github ? githubRefusals[github] : undefined;
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
        {githubRefusal && (
          <p className="error" role="alert">
            {githubRefusal}
          </p>
        )}
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
