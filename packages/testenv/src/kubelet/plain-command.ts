import type { Container } from "kubernetes-types/core/v1.js";

/** How a container whose command the simulated kubelet understands ends: after `afterMs`, with `exitCode`. */
export interface PlainExit {
  afterMs: number;
  exitCode: number;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash"]);

/**
 * Reads a run-to-completion command the way it would behave on a real node: `sleep N`, `true`, `false`
 * and `exit N`, given directly or as an `sh -c` script of such steps joined by `;` or `&&`.
 * Any other command (a server, `sleep infinity`, an image's own entrypoint) runs until stopped: undefined.
 *
 * # Caveats
 * Only these few forms are recognised; anything else keeps running, as it did before (use the
 * `testenv.kruise.io/exit-code` annotation for other commands).
 */
export function plainCommandExit(container: Pick<Container, "command" | "args">): PlainExit | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length === 0) return undefined;
  const program = baseName(argv[0] ?? "");
  if (SHELLS.has(program)) {
    if (argv.length !== 3 || argv[1] !== "-c") return undefined;
    return scriptExit(argv[2] ?? "");
  }
  return stepExit(argv.map((word, i) => (i === 0 ? program : word)));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A script of steps joined by `;` or `&&`; `exit` ends it, a failing step ends an `&&` chain. */
function scriptExit(script: string): PlainExit | undefined {
  const steps = script
    .split(/(;|&&)/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  let afterMs = 0;
  let exitCode = 0;
  let joiner = ";";
  for (const token of steps) {
    if (token === ";" || token === "&&") {
      joiner = token;
      continue;
    }
    if (joiner === "&&" && exitCode !== 0) continue;
    const words = token.split(/\s+/);
    if (words[0] === "exit") {
      const code = words.length === 1 ? exitCode : exitNumber(words[1]);
      if (code === undefined || words.length > 2) return undefined;
      return { afterMs, exitCode: code };
    }
    const step = stepExit(words);
    if (step === undefined) return undefined;
    afterMs += step.afterMs;
    exitCode = step.exitCode;
  }
  return steps.length === 0 ? undefined : { afterMs, exitCode };
}

function stepExit(words: string[]): PlainExit | undefined {
  const [program, ...rest] = words;
  if ((program === "true" || program === ":") && rest.length === 0) return { afterMs: 0, exitCode: 0 };
  if (program === "false" && rest.length === 0) return { afterMs: 0, exitCode: 1 };
  if (program === "sleep" && rest.length === 1) {
    const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(rest[0] ?? "");
    if (match === null) return undefined;
    const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1_000;
    return { afterMs: Math.round(Number(match[1]) * unit), exitCode: 0 };
  }
  return undefined;
}

function exitNumber(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d+$/.test(word)) return undefined;
  return Number(word) % 256;
}
