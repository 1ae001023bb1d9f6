import { describe, expect, it } from "vitest";
import { fieldManagerFor, serviceAccountUser } from "../src/client/service-account.ts";

const jwt = (claims: object): string =>
  ["{}", JSON.stringify(claims), "sig"].map((part) => Buffer.from(part).toString("base64url")).join(".");

describe("serviceAccountUser", () => {
  it.each([
    [
      "a projected service-account token",
      jwt({ sub: "system:serviceaccount:kruise-system:kruise-cloneset" }),
      "system:serviceaccount:kruise-system:kruise-cloneset",
    ],
    [
      "a token with a trailing newline",
      `${jwt({ sub: "system:serviceaccount:a:b" })}\n`,
      "system:serviceaccount:a:b",
    ],
    ["another subject", jwt({ sub: "alice" }), undefined],
    ["no subject", jwt({ iss: "x" }), undefined],
    ["a subject with too many parts", jwt({ sub: "system:serviceaccount:a:b:c" }), undefined],
    ["an opaque token", "0123456789abcdef", undefined],
    ["a payload that is not JSON", "a.bm90LWpzb24.c", undefined],
  ])("%s", (_what, token, user) => {
    expect(serviceAccountUser(token)).toBe(user);
  });
});

describe("fieldManagerFor", () => {
  it("keeps a user name the API server accepts as is, and cuts a longer one to 128 characters", () => {
    expect(fieldManagerFor("system:serviceaccount:a:b")).toBe("system:serviceaccount:a:b");
    expect(fieldManagerFor(`system:serviceaccount:${"n".repeat(63)}:${"s".repeat(100)}`)).toHaveLength(128);
  });
});
