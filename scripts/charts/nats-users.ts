// The bundled NATS server's users, one per controller on the event bus, with the same permissions as the main job's
// (`npm start`): @kruise/api's BUS_PARTIES say who publishes and consumes what, @kruise/testenv's natsPermissions
// turn that into nats-server permissions. The chart reads the generated file (charts/kruise/files/nats/users.yaml).
import { BUS_PARTIES } from "@kruise/api";
import { streamName } from "@kruise/sdk";
import { natsPermissions, natsStreamManagement } from "@kruise/testenv";
import { stringify } from "yaml";
import { GENERATED_HEADER, type PlannedFile } from "./planned-file.ts";

export const NATS_USERS_FILE = "charts/kruise/files/nats/users.yaml";

export function natsUsersFile(): PlannedFile {
  const users = Object.fromEntries(
    Object.entries(BUS_PARTIES)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([user, party]) => [user, natsPermissions(user, party, streamName)]),
  );
  const content = stringify({ stream: streamName, streamManagement: natsStreamManagement(streamName), users });
  return {
    path: NATS_USERS_FILE,
    kind: "generated",
    content:
      GENERATED_HEADER("@kruise/api BUS_PARTIES with @kruise/testenv natsPermissions (scripts/charts/nats-users.ts)") +
      content,
  };
}
