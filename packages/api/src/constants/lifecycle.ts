// Values of the lifecycle.apps.kruise.io/state pod label. A pod without the label counts as Normal.
export const LifecycleState = {
  PreparingNormal: "PreparingNormal",
  Normal: "Normal",
  PreparingUpdate: "PreparingUpdate",
  Updating: "Updating",
  Updated: "Updated",
  PreparingDelete: "PreparingDelete",
} as const;
export type LifecycleState = (typeof LifecycleState)[keyof typeof LifecycleState];
