export type * from "./clock.ts";
export { RealClock, realClock, sleepOn } from "./real-clock.ts";
export { FakeClock } from "./fake-clock.ts";
export { MAX_TIMER_MS, timerDelay } from "./timer-limit.ts";
