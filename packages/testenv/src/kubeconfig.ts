import { stringify } from "yaml";

export interface KubeconfigInput {
  server: string;
  caData: string;
  token: string;
  user: string;
}

/** A kubeconfig with one cluster, one token user and one current context. */
export function renderKubeconfig(input: KubeconfigInput, namespace?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "testenv",
        cluster: {
          server: input.server,
          "certificate-authority-data": Buffer.from(input.caData).toString("base64"),
        },
      },
    ],
    users: [{ name: input.user, user: { token: input.token } }],
    contexts: [
      {
        name: input.user,
        context: { cluster: "testenv", user: input.user, ...(namespace === undefined ? {} : { namespace }) },
      },
    ],
    "current-context": input.user,
  });
}
