import { describe, expect, it } from "vitest";
import { apiserverStatusMessage } from "./apiserver-status.js";

describe("apiserverStatusMessage", () => {
  it("reads the message of a whole Status body", () => {
    const body = JSON.stringify({ kind: "Status", reason: "Invalid", message: 'a "b" c\nd' });
    expect(apiserverStatusMessage(body)).toBe('a "b" c\nd');
  });

  it("finds the message in a body cut short or quoted inside another text", () => {
    const cut = '{"kind":"Status","message":"deployments.apps \\"x\\" is invalid","details":{"cau';
    expect(apiserverStatusMessage(cut)).toBe('deployments.apps "x" is invalid');
    expect(apiserverStatusMessage(`Deployment x: PATCH /apis/… -> HTTP 422 Invalid: ${cut}`)).toBe(
      'deployments.apps "x" is invalid',
    );
  });

  it("is undefined without a message", () => {
    expect(apiserverStatusMessage("404 page not found")).toBeUndefined();
    expect(apiserverStatusMessage('{"kind":"Status"}')).toBeUndefined();
    expect(apiserverStatusMessage('{"message":""}')).toBe("");
    expect(apiserverStatusMessage('x "message":"" y')).toBeUndefined();
  });
});
