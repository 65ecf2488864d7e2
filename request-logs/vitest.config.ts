import { defineProject } from "vitest/config";

// Only the pure modules are tested here; the store against PostgreSQL is tested by the control
// plane (test/request-logs), whose harness owns the migrated database.
export default defineProject({
  test: {
    name: "request-logs",
    include: ["src/**/*.test.ts"],
  },
});
