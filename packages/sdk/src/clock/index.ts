export type * from "./clock.ts";
export { RealClock, realClock, sleepOn } from "./real-clock.ts";
export { FakeClock } from "./fake-clock.ts";
