// The CRI (runtime.v1) gRPC package, loaded once from the vendored api.proto (k8s.io/cri-api v0.36.3, the Kubernetes
// version the test environment runs) by @grpc/proto-loader, and the runtime socket as a gRPC target; shared by the
// image and runtime service clients.
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

let definition: grpc.GrpcObject | undefined;

/** The `runtime.v1` package: its ImageService and RuntimeService client constructors. */
export function criRuntimeV1(): grpc.GrpcObject {
  definition ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(join(import.meta.dirname, "api.proto"), {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    }),
  );
  return (definition["runtime"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject;
}

/** `unix:///run/containerd/containerd.sock` or a bare socket path. */
export function criTarget(endpoint: string): string {
  if (endpoint.startsWith("unix://")) return `unix:${endpoint.slice("unix://".length)}`;
  if (endpoint.startsWith("/")) return `unix:${endpoint}`;
  return endpoint;
}
