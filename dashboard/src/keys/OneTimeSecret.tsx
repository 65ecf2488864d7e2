/** A new key's plaintext, shown once: it lives in component state and nowhere else. */
export function OneTimeSecret({
  label,
  secret,
  onDone,
}: {
  label: string;
  secret: string;
  onDone: () => void;
}) {
  return (
    <div className="card" role="status">
      <p>
        <strong>{label}</strong> Copy it now: Slipway will not show it again.
      </p>
      <code className="mono" data-testid="one-time-secret">
        {secret}
      </code>{" "}
      <button
        type="button"
        className="secondary"
        onClick={() => void navigator.clipboard?.writeText(secret)}
      >
        Copy
      </button>{" "}
      <button type="button" className="secondary" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
