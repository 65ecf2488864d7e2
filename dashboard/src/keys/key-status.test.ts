import { describe, expect, it } from "vitest";
import { keyStatus } from "./key-status";

describe("keyStatus", () => {
  const now = 1_000_000;
  it("says why a key would not verify: disabled first, then expired, then out of credits", () => {
    expect(keyStatus({ enabled: true }, now)).toBe("Enabled");
    expect(keyStatus({ enabled: false, expires: now - 1 }, now)).toBe("Disabled");
    expect(keyStatus({ enabled: true, expires: now }, now)).toBe("Expired");
    expect(keyStatus({ enabled: true, expires: now + 1 }, now)).toBe("Enabled");
    expect(keyStatus({ enabled: true, credits: { remaining: 0 } }, now)).toBe("Out of credits");
    expect(keyStatus({ enabled: true, credits: { remaining: null } }, now)).toBe("Enabled");
  });
});
