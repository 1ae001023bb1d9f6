import type { Event } from "kubernetes-types/core/v1.js";
import type { Kind } from "../kind.ts";

/** core/v1 Event: what `kubectl describe` lists under "Events:". */
export const eventKind: Kind<Event> = {
  group: "",
  version: "v1",
  kind: "Event",
  plural: "events",
  namespaced: true,
};
