import { describe, expect, it } from "vitest";
import { parseControllerFlags } from "../src/manager/flags.ts";
import { WEBHOOK_FLAGS, webhookServing } from "../src/webhook/webhook-flags.ts";

const program = {
  name: "demo-webhook",
  summary: "a demo webhook",
  extra: { namespace: { type: "string", description: "Namespace.", default: "" }, ...WEBHOOK_FLAGS },
} as const;

describe("webhookServing", () => {
  const cases = [
    {
      name: "defaults: a URL on 127.0.0.1, bound on an ephemeral port, in kruise-system",
      argv: [],
      env: {},
      want: {
        namespace: "kruise-system",
        address: { url: { host: "127.0.0.1" } },
        bindAddress: "127.0.0.1:0",
      },
    },
    {
      name: "$POD_NAMESPACE when --namespace is empty",
      argv: ["--webhook-host=10.0.0.5"],
      env: { POD_NAMESPACE: "ops" },
      want: { namespace: "ops", address: { url: { host: "10.0.0.5" } }, bindAddress: "10.0.0.5:0" },
    },
    {
      name: "a Service in --namespace: the server's default bind address",
      argv: ["--namespace=kruise", "--webhook-service-name=svc", "--webhook-service-port=8443"],
      env: { POD_NAMESPACE: "ignored" },
      want: { namespace: "kruise", address: { service: { namespace: "kruise", name: "svc", port: 8443 } } },
    },
    {
      name: "--webhook-bind-address wins",
      argv: ["--webhook-service-name=svc", "--webhook-bind-address=:9444"],
      env: {},
      want: {
        namespace: "kruise-system",
        address: { service: { namespace: "kruise-system", name: "svc", port: 443 } },
        bindAddress: ":9444",
      },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const flags = parseControllerFlags(c.argv, program);
      expect(webhookServing(flags.extra, c.env)).toStrictEqual(c.want);
    });

  it("refuses a Service port outside 1-65535, naming the flag", () => {
    expect(() => parseControllerFlags(["--webhook-service-port=0"], program)).toThrow(/webhook-service-port/);
  });
});
