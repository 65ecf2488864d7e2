/** Placeholder blocks shaped like what is loading, so the page does not jump when data lands. */
export function Skeleton({ lines = 3, label = "Loading" }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton" role="status" aria-label={label} aria-busy="true">
      {Array.from({ length: lines }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={index} className="skeleton-line" />
      ))}
    </div>
  );
}

export function PageSkeleton() {
  return (
    <div className="page">
      <Skeleton lines={6} label="Loading page" />
    </div>
  );
}
