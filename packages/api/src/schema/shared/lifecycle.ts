import { array, bool, object, string, type ObjectNode } from "../builder.ts";
import { labelMap } from "./label-syntax.ts";

function lifecycleHook(description: string): ObjectNode {
  return object(
    description,
    {
      labelsHandler: labelMap(
        "Labels that hold the pod in this hook: while any of them is on the pod with the given value, the controller waits.",
        { maxProperties: 64 },
      ),
      finalizersHandler: array(
        "Finalizers that hold the pod in this hook: while any of them is on the pod, the controller waits.",
        string("Finalizer name."),
      ),
      markPodNotReady: bool(
        "Set the KruisePodReady condition to False while the pod is in PreparingDelete or PreparingUpdate, so it leaves " +
          "Service endpoints before the action. Only honoured for preDelete and inPlaceUpdate.",
      ),
    },
    { tsName: "LifecycleHook" },
  );
}

/** pub.Lifecycle: hooks that gate pod deletion, in-place update and becoming Normal. */
export function lifecycle(description: string): ObjectNode {
  return object(
    description,
    {
      preDelete: lifecycleHook(
        "Hook run before a pod is deleted (scale-in, recreate update, specified delete): the pod stays PreparingDelete while hooked.",
      ),
      inPlaceUpdate: lifecycleHook(
        "Hook run before a pod is updated in place: the pod stays PreparingUpdate while hooked.",
      ),
      preNormal: lifecycleHook(
        "Hook run before a new pod becomes Normal: the pod stays PreparingNormal until all handlers are present.",
      ),
    },
    { tsName: "Lifecycle" },
  );
}
