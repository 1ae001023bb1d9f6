import {
  BUS_PARTIES,
  IMAGE_PREDOWNLOAD_PUBLISHERS,
  IMAGE_PREDOWNLOAD_REQUESTED_EVENT,
  JOB_FINISHED_EVENT,
  JOB_FINISHED_PUBLISHERS,
  SIDECARSET_CHANGED_EVENT,
  SIDECARSET_CHANGED_PUBLISHERS,
  SUBSET_STATUS_CHANGED_EVENT,
  SUBSET_STATUS_PUBLISHERS,
  consumedSubjects,
} from "@kruise/api";
import { subjectFor, subjectPattern } from "@kruise/sdk";
import { describe, expect, it } from "vitest";

// @kruise/api names the subjects of its contracts without importing the SDK; these cases hold the two schemes equal.
describe("bus contracts name the subjects the SDK builds", () => {
  const contracts = [
    { event: IMAGE_PREDOWNLOAD_REQUESTED_EVENT, publishers: IMAGE_PREDOWNLOAD_PUBLISHERS },
    { event: JOB_FINISHED_EVENT, publishers: JOB_FINISHED_PUBLISHERS },
    { event: SUBSET_STATUS_CHANGED_EVENT, publishers: SUBSET_STATUS_PUBLISHERS },
    { event: SIDECARSET_CHANGED_EVENT, publishers: SIDECARSET_CHANGED_PUBLISHERS },
  ];
  it.each(contracts)("$event: one subscription pattern per publisher, as subjectPattern builds it", (c) => {
    expect(consumedSubjects(c.publishers, c.event)).toEqual(
      c.publishers.map((k) => subjectPattern(k, c.event)),
    );
  });

  it("every consumed subject of every party is a contract's pattern", () => {
    const known = new Set(contracts.flatMap((c) => c.publishers.map((k) => subjectPattern(k, c.event))));
    for (const party of Object.values(BUS_PARTIES))
      for (const subject of party.consumes) expect(known.has(subject), subject).toBe(true);
  });

  it("a publisher's own subject falls under its publishes grant", () => {
    const grant = (subject: string) => `${subject.split(".").slice(0, 2).join(".")}.>`;
    const cases = [
      {
        party: BUS_PARTIES.broadcastjob,
        subject: subjectFor("BroadcastJob", "ns", "job", JOB_FINISHED_EVENT),
      },
      {
        party: BUS_PARTIES.cloneset,
        subject: subjectFor("CloneSet", "ns", "cs", SUBSET_STATUS_CHANGED_EVENT),
      },
      {
        party: BUS_PARTIES.statefulset,
        subject: subjectFor("StatefulSet", "ns", "s", SUBSET_STATUS_CHANGED_EVENT),
      },
      {
        party: BUS_PARTIES.sidecarset,
        subject: subjectFor("SidecarSet", "", "sc", SIDECARSET_CHANGED_EVENT),
      },
      {
        party: BUS_PARTIES.daemonset,
        subject: subjectFor("DaemonSet", "ns", "d", IMAGE_PREDOWNLOAD_REQUESTED_EVENT),
      },
    ];
    for (const c of cases) expect(c.party.publishes, c.subject).toContain(grant(c.subject));
  });
});
