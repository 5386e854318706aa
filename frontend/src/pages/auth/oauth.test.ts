import { describe, expect, it } from "vitest";
import { authorizeUrl, enabledProviders, safeNext } from "./oauth";

describe("safeNext", () => {
  it("keeps paths on this site and refuses the rest", () => {
    expect(safeNext("/token?p=2")).toBe("/token?p=2");
    expect(safeNext(null)).toBe("/dashboard");
    expect(safeNext("https://evil.example/")).toBe("/dashboard");
    expect(safeNext("//evil.example/")).toBe("/dashboard");
    expect(safeNext("/\\evil.example")).toBe("/dashboard");
    expect(safeNext("/login?next=/x")).toBe("/dashboard");
  });
});

describe("third-party sign-in", () => {
  const status = {
    server_address: "https://gate.example.com/",
    github_oauth: true, github_client_id: "gh-id",
    lark_client_id: "cli_1",
    oidc: true, oidc_client_id: "oidc-id", oidc_authorization_endpoint: "https://idp.example.com/auth",
  };

  it("lists only the providers the status turns on", () => {
    expect(enabledProviders(status)).toEqual(["github", "lark", "oidc"]);
    expect(enabledProviders({ github_oauth: true })).toEqual([]); // no client id: nothing to send users to
  });

  it("builds each authorize URL with the state and the backend's redirect", async () => {
    expect(await authorizeUrl("github", status, "s1")).toBe(
      "https://github.com/login/oauth/authorize?client_id=gh-id&state=s1&scope=user%3Aemail",
    );
    const lark = new URL(await authorizeUrl("lark", status, "s2"));
    expect(lark.origin + lark.pathname).toBe("https://accounts.feishu.cn/open-apis/authen/v1/authorize");
    expect(lark.searchParams.get("redirect_uri")).toBe("https://gate.example.com/oauth/lark");
    const oidc = new URL(await authorizeUrl("oidc", status, "s3"));
    expect(oidc.searchParams.get("redirect_uri")).toBe("https://gate.example.com/oauth/oidc");
    expect(oidc.searchParams.get("response_type")).toBe("code");
    expect(oidc.searchParams.get("state")).toBe("s3");
  });
});
