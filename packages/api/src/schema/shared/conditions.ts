import { array, enumOf, object, string, type ArrayNode } from "../builder.ts";

const TIME = (description: string) => string(description, { format: "date-time" });

/**
 * A status condition list in OpenKruise's shape (type, status, times, reason, message). Kinds differ in which
 * timestamps they carry, so the caller names them.
 */
export function conditionList(tsName: string, description: string, times: Record<string, string>): ArrayNode {
  const timeProps: Record<string, ReturnType<typeof TIME>> = {};
  for (const [name, text] of Object.entries(times)) timeProps[name] = TIME(text);
  return array(
    description,
    object(
      "An observation of one aspect of the object's state.",
      {
        type: string("Type of the condition."),
        status: enumOf("Status of the condition.", ["True", "False", "Unknown"]),
        ...timeProps,
        reason: string("Machine-readable reason for the last transition."),
        message: string("Human-readable details about the last transition."),
      },
      { required: ["type", "status"], tsName },
    ),
  );
}
