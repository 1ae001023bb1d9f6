import { intOrString, type IntOrStringNode } from "../builder.ts";
import { isIntOrPercent, PERCENT_UP_TO_100_PATTERN } from "../cel.ts";

/**
 * An IntOrString that OpenKruise accepts as a non-negative number or a percentage ("20%"). A numeric string
 * such as "5" is rejected, as OpenKruise's webhooks do.
 */
export function intOrPercent(
  description: string,
  opts: { default?: number | string; upTo100Percent?: boolean } = {},
): IntOrStringNode {
  const { upTo100Percent, ...rest } = opts;
  const rules = [
    {
      rule: isIntOrPercent("self"),
      message:
        'must be a non-negative integer (5) or a percentage ("10%"); a numeric string like "5" is not accepted',
    },
  ];
  if (upTo100Percent) {
    rules.push({
      rule: `type(self) == int || !self.matches('^[0-9]+%$') || self.matches('${PERCENT_UP_TO_100_PATTERN}')`,
      message: "a percentage must be between 0% and 100% (it is a share of the replicas)",
    });
  }
  return intOrString(description, { ...rest, maxLength: 16, rules });
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
