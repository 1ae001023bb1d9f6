/**
 * A control-plane failure explained for a person: which process, what it last printed, and what to do.
 * Tests fail with this message instead of a bare stack trace, so it carries everything needed to act.
 */
export class ControlPlaneError extends Error {
  /** The process or stage that failed, e.g. "kube-apiserver" or "crds". */
  readonly component: string;
  /** The last lines of the component's log, when it has one. */
  readonly logTail: string;
  /** What the reader should do about it. */
  readonly hint: string;

  constructor(component: string, problem: string, hint: string, logTail = "", logPath?: string) {
    const parts = [`testenv: ${component}: ${problem}`, `What to do: ${hint}`];
    if (logTail.trim() !== "") {
      parts.push(`Last lines of ${logPath ?? `${component}.log`}:\n${indent(logTail.trimEnd())}`);
    }
    super(parts.join("\n"));
    this.name = "ControlPlaneError";
    this.component = component;
    this.logTail = logTail;
    this.hint = hint;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  | ${line}`)
    .join("\n");
}

/** The message of anything thrown, for logs and wrapped errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
