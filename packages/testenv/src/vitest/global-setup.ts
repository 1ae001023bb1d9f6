// Placeholder until the control plane lands.
export default function setup(): void {}
