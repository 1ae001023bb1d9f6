// A client of the CRI ImageService (runtime.v1) over the node's runtime socket (see connection.ts).
import * as grpc from "@grpc/grpc-js";
import { criRuntimeV1, criTarget } from "./connection.ts";

export { criTarget };

/** Registry credentials for one pull, as CRI's AuthConfig. */
export interface PullAuth {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

/** Metadata of the sandbox the pull is made for (OpenKruise's ImagePullJob sandboxConfig). */
export interface PullSandbox {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** An image present on the node. */
export interface PresentImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
}

/** The part of CRI's ImageService the agent uses. */
export interface ImageService {
  /** Pulls `image`; resolves with the runtime's image reference (an image ID). Rejects on timeout or abort. */
  pull(
    image: string,
    options: { auth?: PullAuth; sandbox?: PullSandbox; signal?: AbortSignal },
  ): Promise<string>;
  /** The image if present on the node, else undefined. */
  status(image: string): Promise<PresentImage | undefined>;
  close(): void;
}

interface RawImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
}
type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
interface RawImageServiceClient extends grpc.Client {
  PullImage(
    request: unknown,
    options: grpc.CallOptions,
    callback: Callback<{ image_ref: string }>,
  ): grpc.ClientUnaryCall;
  ImageStatus(
    request: unknown,
    options: grpc.CallOptions,
    callback: Callback<{ image?: RawImage | null }>,
  ): grpc.ClientUnaryCall;
}

/**
 * Connects to the CRI image service at `endpoint`.
 *
 * Guarantees: every call carries a deadline (`callTimeoutMs` for status, the caller's signal for pulls), so a
 * runtime that stops answering cannot hang the agent. Caveats: CRI reports no pull progress; a pull is 0 % until
 * it returns.
 */
export function connectImageService(endpoint: string, callTimeoutMs = 30_000): ImageService {
  const Client = criRuntimeV1()["ImageService"] as unknown as new (
    target: string,
    credentials: grpc.ChannelCredentials,
  ) => RawImageServiceClient;
  const client = new Client(criTarget(endpoint), grpc.credentials.createInsecure());
  return {
    pull: (image, { auth, sandbox, signal }) =>
      new Promise((resolve, reject) => {
        const request = {
          image: { image },
          auth:
            auth === undefined
              ? null
              : {
                  username: auth.username ?? "",
                  password: auth.password ?? "",
                  auth: auth.auth ?? "",
                  server_address: auth.serverAddress ?? "",
                  identity_token: auth.identityToken ?? "",
                  registry_token: auth.registryToken ?? "",
                },
          sandbox_config:
            sandbox === undefined
              ? null
              : { labels: sandbox.labels ?? {}, annotations: sandbox.annotations ?? {} },
        };
        const call = client.PullImage(request, {}, (error, response) => {
          signal?.removeEventListener("abort", onAbort);
          if (error) reject(error);
          else resolve(response?.image_ref ?? "");
        });
        const onAbort = (): void => call.cancel();
        if (signal?.aborted === true) call.cancel();
        else signal?.addEventListener("abort", onAbort, { once: true });
      }),
    status: (image) =>
      new Promise((resolve, reject) => {
        client.ImageStatus(
          { image: { image }, verbose: false },
          { deadline: Date.now() + callTimeoutMs },
          (error, response) => {
            if (error) return reject(error);
            const found = response?.image;
            if (found === undefined || found === null || found.id === "") return resolve(undefined);
            resolve({ id: found.id, repoTags: found.repo_tags, repoDigests: found.repo_digests });
          },
        );
      }),
    close: () => client.close(),
  };
}
