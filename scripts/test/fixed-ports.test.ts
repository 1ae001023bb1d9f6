import { describe, expect, it } from "vitest";
import {
  assignControllerPorts,
  FIRST_CONTROLLER_PORT as P,
  type ControllerPorts,
} from "../start/fixed-ports.ts";

interface Case {
  what: string;
  apps: string[];
  saved: Record<string, ControllerPorts>;
  busy: number[];
  want: Record<string, ControllerPorts>;
  moved: string[];
}

const freeExcept =
  (...busy: number[]) =>
  async (port: number): Promise<boolean> =>
    !busy.includes(port);

describe("assignControllerPorts", () => {
  it.each<Case>([
    {
      what: "first start: pairs in app order",
      apps: ["a", "b"],
      saved: {},
      busy: [],
      want: { a: { metrics: P, health: P + 1 }, b: { metrics: P + 2, health: P + 3 } },
      moved: [],
    },
    {
      what: "saved pairs are kept, a new app gets the next free pair",
      apps: ["a", "b", "c"],
      saved: { b: { metrics: P, health: P + 1 } },
      busy: [],
      want: {
        a: { metrics: P + 2, health: P + 3 },
        b: { metrics: P, health: P + 1 },
        c: { metrics: P + 4, health: P + 5 },
      },
      moved: [],
    },
    {
      what: "a busy saved port moves that app only",
      apps: ["a", "b"],
      saved: { a: { metrics: P, health: P + 1 }, b: { metrics: P + 2, health: P + 3 } },
      busy: [P + 1, P + 4],
      want: { a: { metrics: P + 6, health: P + 7 }, b: { metrics: P + 2, health: P + 3 } },
      moved: ["a"],
    },
    {
      what: "a removed app's pair stays reserved",
      apps: ["b"],
      saved: { a: { metrics: P, health: P + 1 } },
      busy: [],
      want: { b: { metrics: P + 2, health: P + 3 } },
      moved: [],
    },
  ])("$what", async ({ apps, saved, busy, want, moved }) => {
    expect(await assignControllerPorts(apps, saved, freeExcept(...busy))).toEqual({ ports: want, moved });
  });
});
