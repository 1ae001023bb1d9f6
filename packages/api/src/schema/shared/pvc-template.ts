import { object, string, type ObjectNode } from "../builder.ts";

/**
 * A volumeClaimTemplates item: a core PersistentVolumeClaim, stored schemaless like OpenKruise's, but with its
 * name required. The name is the pod volume that mounts the claim and the start of the claim's own name, so a
 * template without one could never be mounted (a silent no-op otherwise).
 */
export function pvcTemplate(kindName: string): ObjectNode {
  return object(
    "A PersistentVolumeClaim template.",
    {
      metadata: object(
        "Standard object metadata of the claim; name is required.",
        {
          name: string(
            `Name of the template: the pod volume that mounts the claim, and the start of the claim's name. A DNS label.`,
            {
              maxLength: 63,
              rules: [
                {
                  rule: "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
                  message:
                    "must be a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit): it names the pod volume",
                },
              ],
            },
          ),
        },
        { preserveUnknownFields: true, tsName: "PersistentVolumeClaimTemplateMetadata" },
      ),
    },
    {
      // Required by the rule below rather than by `required`, so a missing name is one error with the reason.
      preserveUnknownFields: true,
      tsExternal: { name: "PersistentVolumeClaim", module: "core/v1" },
      rules: [
        {
          rule: "has(self.metadata) && has(self.metadata.name) && self.metadata.name != ''",
          message: `every ${kindName} volumeClaimTemplate needs metadata.name: it names the pod volume the claim is mounted as`,
          reason: "FieldValueRequired",
        },
      ],
    },
  );
}
