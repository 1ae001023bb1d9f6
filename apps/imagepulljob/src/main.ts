// The ImagePullJob controller binary: the ImagePullJob and NodeImage controllers in one manager.
import pino from "pino";
import { parseControllerFlags, runManager } from "@kruise/sdk";
import {
  addImagePullJobController,
  addNodeImageController,
  addPredownloadController,
  IMAGEPULLJOB_CONTROLLER,
} from "./controller.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
    name: IMAGEPULLJOB_CONTROLLER,
    summary:
      "keeps one NodeImage per Ready node and writes each apps.kruise.io ImagePullJob's pulls into the NodeImages of its nodes",
    extra: {
      workers: { type: "string", description: "Concurrent ImagePullJob reconciles.", default: "3" },
    },
  });
} catch (err) {
  process.stderr.write(
    `${IMAGEPULLJOB_CONTROLLER}: ${(err as Error).message}\nRun with --help for the flags.\n`,
  );
  process.exit(2);
}
const workers = Number(flags.extra["workers"]);
if (!Number.isInteger(workers) || workers < 1) {
  process.stderr.write(
    `${IMAGEPULLJOB_CONTROLLER}: --workers must be a positive integer, got ${String(flags.extra["workers"])}\n`,
  );
  process.exit(2);
}
const logger = pino({ level: flags.logLevel }).child({ app: IMAGEPULLJOB_CONTROLLER });

await runManager({ name: IMAGEPULLJOB_CONTROLLER, ...flags.manager, logger }, (mgr) => {
  addNodeImageController(mgr);
  addImagePullJobController(mgr, { workers });
  // OpenKruise's alpha gate, off by default: only then does this binary read CloneSets and ControllerRevisions.
  if (flags.featureGates["PreDownloadImageForInPlaceUpdate"] === true) addPredownloadController(mgr);
});
