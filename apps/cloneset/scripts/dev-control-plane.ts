import { writeFileSync } from "node:fs";
import { startControlPlane } from "@kruise/testenv";
const cp = await startControlPlane({ workDir: "/tmp/cs-dev/cp", log: (l) => console.log(l) });
writeFileSync(
  "/tmp/cs-dev/info.json",
  JSON.stringify({
    kubeconfigPath: cp.kubeconfigPath,
    binDir: cp.binDir,
    natsUrl: cp.natsUrl,
    server: cp.server,
  }),
);
console.log("READY");
process.on("SIGTERM", () => void cp.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
