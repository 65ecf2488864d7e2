import { isAppError } from "@slipway/shared";

/**
 * Why a GitHub sign-in failed, as the dashboard's sign-in page names it. Only these words reach
 * the page (`/sign-in?github=<reason>`), never the server's message, so a link cannot make the
 * page show someone else's text.
 */
export const signInFailureReasons = [
  "declined",
  "not_member",
  "start_again",
  "not_configured",
] as const;
export type SignInFailureReason = (typeof signInFailureReasons)[number];

/**
 * Pure: the reason to show a person whose browser came back from GitHub without a session, or
 * undefined when the failure is the server's own (a 5xx keeps the API's error answer and log).
 */
export function signInFailureReason(
  failure: unknown,
  declinedAtGitHub: boolean,
): SignInFailureReason | undefined {
  if (declinedAtGitHub) return "declined";
  if (!isAppError(failure) || failure.status >= 500) return undefined;
  switch (failure.code) {
    case "forbidden":
      return "not_member";
    case "not_found":
      return "not_configured";
    default:
      // A bad, replayed or expired state, another browser's flow, a code GitHub refused.
      return "start_again";
  }
}
