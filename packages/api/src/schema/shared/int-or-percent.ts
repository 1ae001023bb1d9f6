import { intOrString, type IntOrStringNode } from "../builder.ts";
import { isIntOrPercent } from "../cel.ts";

/**
 * An IntOrString that OpenKruise accepts as a non-negative number or a percentage ("20%"). A numeric string
 * such as "5" is rejected, as OpenKruise's webhooks do.
 */
export function intOrPercent(description: string, opts: { default?: number | string } = {}): IntOrStringNode {
  return intOrString(description, {
    ...opts,
    maxLength: 16,
    rules: [
      {
        rule: isIntOrPercent("self"),
        message:
          'must be a non-negative integer (5) or a percentage ("10%"); a numeric string like "5" is not accepted',
      },
    ],
  });
}

/** An IntOrString OpenKruise only accepts as a plain non-negative integer (ImagePullJob parallelism). */
export function intOnly(description: string, opts: { default?: number } = {}): IntOrStringNode {
  return intOrString(description, {
    ...opts,
    maxLength: 16,
    rules: [
      {
        rule: "type(self) == int && self >= 0",
        message: "must be a non-negative integer; percentages are not accepted here",
      },
    ],
  });
}
