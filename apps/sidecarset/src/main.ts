// The SidecarSet controller binary: flags → manager → controller. Everything else lives in controller.ts.
import { runController, WEBHOOK_FLAGS, webhookServing, workersFlag } from "@kruise/sdk";
import { addSidecarSetController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "injects the sidecars of apps.kruise.io SidecarSets into matching pods at creation (admission webhook) and upgrades their images in place",
    extra: {
      namespace: {
        type: "string",
        description:
          "The controller's namespace: SidecarSet revisions and the webhook certificate Secret live here, and its pods are never injected. Default $POD_NAMESPACE, then kruise-system.",
        default: "",
      },
      ...WEBHOOK_FLAGS,
      workers: workersFlag("SidecarSet"),
    },
  },
  (mgr, flags) => {
    const { namespace, address, bindAddress } = webhookServing(flags.extra);
    addSidecarSetController(mgr, {
      namespace,
      webhookAddress: address,
      webhookBindAddress: bindAddress,
      workers: flags.extra.workers,
    });
  },
);
