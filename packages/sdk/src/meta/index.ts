export { formatKubeTime, parseKubeTime } from "./time.ts";
