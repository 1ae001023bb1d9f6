/** What a failed process's log says went wrong, turned into a sentence and an action. */
export interface Diagnosis {
  problem: string;
  hint: string;
}

/** Reads the end of a process log for the failures people hit most: busy ports and bad flags. */
export function diagnoseLog(component: string, logTail: string, logPath: string): Diagnosis | undefined {
  const busy =
    /(?:listen tcp|bind)[^\n]*?(?:127\.0\.0\.1|localhost|\[::\]|0\.0\.0\.0)?:(\d+)[^\n]*address already in use/i.exec(
      logTail,
    ) ?? /address already in use[^\n]*?:(\d+)/i.exec(logTail);
  if (busy !== null || /address already in use/i.test(logTail)) {
    const port = busy?.[1];
    const where = port === undefined ? "one of its ports" : `port ${port} on 127.0.0.1`;
    return {
      problem: `${where} is already in use by another process`,
      hint: `free ${where} (\`ss -ltnp | grep ${port ?? "<port>"}\` shows who holds it), or let testenv pick free ports by not passing \`ports\``,
    };
  }
  if (/unknown flag|flag provided but not defined|invalid argument/i.test(logTail)) {
    return {
      problem: "it rejected a command-line flag",
      hint: `the binary's version may not match what testenv expects; rebuild with \`npm run binaries\` (log: ${logPath})`,
    };
  }
  if (/permission denied/i.test(logTail)) {
    return {
      problem: "it was denied permission to a file or port",
      hint: `check the work directory's permissions (log: ${logPath})`,
    };
  }
  if (component === "etcd" && /member .* has already been bootstrapped|data-dir/i.test(logTail)) {
    return { problem: "its data directory is unusable", hint: "use a fresh workDir" };
  }
  return undefined;
}
