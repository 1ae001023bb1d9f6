// A client of the CRI RuntimeService (runtime.v1) over the node's runtime socket (see connection.ts): the containers
// of a pod as the kubelet created them, the env of a running one, and stopping one so the kubelet starts it again.
import * as grpc from "@grpc/grpc-js";
import { criRuntimeV1, criTarget } from "./connection.ts";

/** Labels and annotations the kubelet puts on every container it creates (kubelet's kuberuntime labels.go). */
export const KUBELET_POD_UID_LABEL = "io.kubernetes.pod.uid";
export const KUBELET_CONTAINER_HASH_ANNOTATION = "io.kubernetes.container.hash";
export const KUBELET_RESTART_COUNT_ANNOTATION = "io.kubernetes.container.restartCount";

/** One container as the runtime lists it. */
export interface RuntimeContainer {
  /** The runtime's id, without the `<runtime>://` prefix. */
  id: string;
  /** The pod spec's container name (CRI metadata.name). */
  name: string;
  state: "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";
  /** Nanoseconds since the epoch. */
  createdAt: bigint;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The part of CRI's RuntimeService the agent uses. */
export interface RuntimeService {
  /** Containers whose labels include every pair of `labels` (e.g. the kubelet's pod uid label), or the one `id`. */
  listContainers(filter: { labels?: Record<string, string>; id?: string }): Promise<RuntimeContainer[]>;
  /** Runs `cmd` in the container and returns what it wrote to stdout; rejects on a non-zero exit. */
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<string>;
  /** Stops the container, waiting up to `timeoutSeconds` after SIGTERM before it is killed. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  close(): void;
}

interface RawContainer {
  id: string;
  metadata?: { name?: string } | null;
  state: RuntimeContainer["state"];
  created_at: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
interface RawRuntimeServiceClient extends grpc.Client {
  ListContainers(
    request: unknown,
    options: grpc.CallOptions,
    callback: Callback<{ containers: RawContainer[] }>,
  ): grpc.ClientUnaryCall;
  ExecSync(
    request: unknown,
    options: grpc.CallOptions,
    callback: Callback<{ stdout: Buffer; stderr: Buffer; exit_code: number }>,
  ): grpc.ClientUnaryCall;
  StopContainer(
    request: unknown,
    options: grpc.CallOptions,
    callback: Callback<object>,
  ): grpc.ClientUnaryCall;
}

/**
 * Connects to the CRI runtime service at `endpoint`.
 *
 * Guarantees: every call carries a deadline (`callTimeoutMs`, or the exec or stop timeout plus that), so a runtime
 * that stops answering cannot hang the agent.
 */
export function connectRuntimeService(endpoint: string, callTimeoutMs = 30_000): RuntimeService {
  const Client = criRuntimeV1()["RuntimeService"] as unknown as new (
    target: string,
    credentials: grpc.ChannelCredentials,
  ) => RawRuntimeServiceClient;
  const client = new Client(criTarget(endpoint), grpc.credentials.createInsecure());
  const deadline = (extraSeconds = 0) => ({ deadline: Date.now() + callTimeoutMs + extraSeconds * 1000 });
  return {
    listContainers: (filter) =>
      new Promise((resolve, reject) => {
        client.ListContainers(
          { filter: { id: filter.id ?? "", label_selector: filter.labels ?? {} } },
          deadline(),
          (error, response) => {
            if (error) return reject(error);
            resolve(
              (response?.containers ?? []).map((c) => ({
                id: c.id,
                name: c.metadata?.name ?? "",
                state: c.state,
                createdAt: BigInt(c.created_at || "0"),
                labels: c.labels,
                annotations: c.annotations,
              })),
            );
          },
        );
      }),
    execSync: (id, cmd, timeoutSeconds) =>
      new Promise((resolve, reject) => {
        client.ExecSync(
          { container_id: id, cmd, timeout: timeoutSeconds },
          deadline(timeoutSeconds),
          (error, response) => {
            if (error) return reject(error);
            if ((response?.exit_code ?? 0) !== 0)
              return reject(
                new Error(
                  `${cmd.join(" ")} exited ${response?.exit_code}: ${response?.stderr.toString("utf8").trim()}`,
                ),
              );
            resolve(response?.stdout.toString("utf8") ?? "");
          },
        );
      }),
    stopContainer: (id, timeoutSeconds) =>
      new Promise((resolve, reject) => {
        client.StopContainer(
          { container_id: id, timeout: timeoutSeconds },
          deadline(timeoutSeconds),
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    close: () => client.close(),
  };
}
