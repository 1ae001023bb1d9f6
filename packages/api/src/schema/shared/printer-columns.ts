import type { PrinterColumn } from "../crd.ts";

// Columns of the kinds that count replicas the way a Deployment does (`.spec.replicas`, `.status.*Replicas`).

export const DESIRED_REPLICAS_COLUMN: PrinterColumn = {
  name: "DESIRED",
  type: "integer",
  jsonPath: ".spec.replicas",
  description: "The desired number of pods.",
};

export const UPDATED_REPLICAS_COLUMN: PrinterColumn = {
  name: "UPDATED",
  type: "integer",
  jsonPath: ".status.updatedReplicas",
  description: "The number of pods updated.",
};

export const READY_REPLICAS_COLUMN: PrinterColumn = {
  name: "READY",
  type: "integer",
  jsonPath: ".status.readyReplicas",
  description: "The number of pods ready.",
};

/** The `-o wide` columns of the kinds whose pods come from `.spec.template`. */
export const POD_TEMPLATE_COLUMNS: readonly PrinterColumn[] = [
  {
    name: "CONTAINERS",
    type: "string",
    jsonPath: ".spec.template.spec.containers[*].name",
    description: "The containers of the pods.",
    priority: 1,
  },
  {
    name: "IMAGES",
    type: "string",
    jsonPath: ".spec.template.spec.containers[*].image",
    description: "The images of the pods.",
    priority: 1,
  },
];
