/** How GitHub calls fail, and the repository names they take. */
export class GitHubApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GitHubApiError";
  }
}

/**
 * Whether GitHub refused a call because the App's installation lacks a permission (an install
 * made before the App asked for it, until its owner accepts). Retrying cannot help; a rate
 * limit's 403 has another message and can.
 */
export function isMissingPermission(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const status = (cause as { status?: number }).status;
    if (status === 403 && cause.message.includes("Resource not accessible by integration")) {
      return true;
    }
  }
  return false;
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new GitHubApiError(`'${repository}' is not owner/name`);
  return { owner, repo };
}
