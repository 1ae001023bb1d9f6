import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCredentials } from "../src/credentials.ts";

const dir = mkdtempSync(join(tmpdir(), "testenv-credentials-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeCredentials", () => {
  it("makes new tokens and keys each time by default, and keeps them with keep", async () => {
    const first = await writeCredentials(dir, { alice: ["dev"] });
    const key = readFileSync(first.serviceAccountPrivateKey, "utf8");
    const fresh = await writeCredentials(dir, { alice: ["dev"] });
    expect(fresh.adminToken).not.toBe(first.adminToken);
    expect(readFileSync(fresh.serviceAccountPrivateKey, "utf8")).not.toBe(key);

    const kept = await writeCredentials(dir, { alice: ["dev"], bob: ["ops"] }, true);
    expect(kept.adminToken).toBe(fresh.adminToken);
    expect(kept.users.find((u) => u.name === "alice")?.token).toBe(fresh.users[0]?.token);
    expect(kept.users.find((u) => u.name === "bob")?.token).toMatch(/^[0-9a-f]{48}$/);
    expect(readFileSync(kept.serviceAccountPrivateKey, "utf8")).toBe(
      readFileSync(fresh.serviceAccountPrivateKey, "utf8"),
    );
  });
});
