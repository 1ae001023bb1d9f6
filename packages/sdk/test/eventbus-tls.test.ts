// TLS to NATS (issue 14, defect 9): the EventBus trusts the CA it is given, presents its client certificate to a
// server that verifies clients, insists on TLS for tls:// servers, and a wrong setting is an error naming the flag.
// The servers are the real nats-server, with certificates made by openssl.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { findBinaries, natsPlaintextReply } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBus, NATS_SETTINGS, natsConnectionSettings } from "../src/eventbus/index.ts";
import { parseControllerFlags } from "../src/manager/flags.ts";
import { freePort } from "./support/free-port.ts";
import { makeTlsFiles, type TlsFiles } from "./support/tls-files.ts";

const scratch = mkdtempSync(join(tmpdir(), "sdk-eventbus-tls-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("natsConnectionSettings with TLS", () => {
  let files: TlsFiles;
  beforeAll(() => {
    files = makeTlsFiles(scratch);
  });

  it("asks for TLS for tls:// servers or when given a CA or a client certificate, and only then", () => {
    expect(natsConnectionSettings("nats://a:4222").tls).toBeUndefined();
    expect(natsConnectionSettings("tls://a:4222,tls://b:4222")).toEqual({
      servers: ["tls://a:4222", "tls://b:4222"],
      tls: {},
    });
    expect(natsConnectionSettings("nats://a:4222", {}, { caFile: files.caFile }).tls).toEqual({
      caFile: files.caFile,
    });
    const mutual = { certFile: files.clientCertFile, keyFile: files.clientKeyFile };
    expect(natsConnectionSettings("tls://u@a:4222", { NATS_PASSWORD: "p" }, mutual)).toEqual({
      servers: ["tls://a:4222"],
      user: "u",
      pass: "p",
      inboxPrefix: "_INBOX_u",
      tls: mutual,
    });
    // No servers, no bus: the TLS settings of a controller that is not on the bus are not an error.
    expect(natsConnectionSettings("", {}, { caFile: files.caFile })).toEqual({ servers: [] });
  });

  it.each([
    [
      "a client certificate without its key",
      "tls://a:4222",
      { certFile: "CLIENT_CERT" },
      /--nats-tls-cert and --nats-tls-key go together/,
    ],
    [
      "a key without its certificate",
      "tls://a:4222",
      { keyFile: "CLIENT_KEY" },
      /--nats-tls-cert and --nats-tls-key go together/,
    ],
    [
      "a CA file that is not there",
      "tls://a:4222",
      { caFile: "/nonexistent/ca.crt" },
      /--nats-tls-ca.*cannot read/,
    ],
    ["tls:// beside nats://", "tls://a:4222,nats://b:4222", {}, /every server must use the same scheme/],
    [
      "another scheme",
      "http://a:4222",
      {},
      /"http:\/\/a:4222" is not host:port, nats:\/\/host:port or tls:\/\/host:port/,
    ],
  ])("refuses %s, naming the flag", (_name, urls, tls, error) => {
    const resolved = Object.fromEntries(
      Object.entries(tls).map(([key, value]) => [
        key,
        value === "CLIENT_CERT" ? files.clientCertFile : value === "CLIENT_KEY" ? files.clientKeyFile : value,
      ]),
    );
    expect(() => natsConnectionSettings(urls, {}, resolved)).toThrow(error);
  });

  it("reads the TLS files from the standard flags, whose names live in NATS_SETTINGS", () => {
    const flags = parseControllerFlags(
      [
        `--${NATS_SETTINGS.urlFlag}=tls://nats:4222`,
        `--${NATS_SETTINGS.caFlag}=/etc/nats-ca/ca.crt`,
        `--${NATS_SETTINGS.certFlag}=/etc/nats-client/tls.crt`,
        `--${NATS_SETTINGS.keyFlag}=/etc/nats-client/tls.key`,
      ],
      { name: "x", summary: "y" },
    );
    expect(flags.manager.nats).toEqual({
      servers: "tls://nats:4222",
      tls: {
        caFile: "/etc/nats-ca/ca.crt",
        certFile: "/etc/nats-client/tls.crt",
        keyFile: "/etc/nats-client/tls.key",
      },
    });
    expect(
      parseControllerFlags(["--nats-url=nats://nats:4222"], { name: "x", summary: "y" }).manager.nats,
    ).toEqual({ servers: "nats://nats:4222" });
  });
});

describe("the EventBus against a nats-server with TLS", () => {
  let files: TlsFiles;
  const servers: ChildProcess[] = [];
  const buses: EventBus[] = [];
  let tlsPort = 0;
  let mutualPort = 0;
  let plainPort = 0;

  async function startServer(name: string, tls: object | undefined): Promise<number> {
    const port = await freePort();
    const config = {
      listen: `127.0.0.1:${port}`,
      jetstream: { store_dir: join(scratch, `${name}-store`) },
      ...(tls === undefined ? {} : { tls }),
    };
    const path = join(scratch, `${name}.conf`);
    writeFileSync(path, JSON.stringify(config));
    servers.push(spawn(join(await findBinaries(), "nats-server"), ["--config", path], { stdio: "ignore" }));
    await waitFor(
      `the ${name} nats-server`,
      async () => (await natsPlaintextReply("127.0.0.1", port, 500)).info !== undefined,
    );
    return port;
  }

  beforeAll(async () => {
    files = makeTlsFiles(scratch);
    tlsPort = await startServer("tls", { cert_file: files.serverCertFile, key_file: files.serverKeyFile });
    mutualPort = await startServer("mutual", {
      cert_file: files.serverCertFile,
      key_file: files.serverKeyFile,
      ca_file: files.caFile,
      verify: true,
    });
    plainPort = await startServer("plain", undefined);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    for (const server of servers) server.kill("SIGTERM");
  });

  const published = async (registry: Registry): Promise<number> => {
    const metric = registry.getSingleMetric("kruise_eventbus_published_total");
    return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };

  async function publishesThrough(
    servers: string,
    tls: Parameters<typeof natsConnectionSettings>[2],
  ): Promise<void> {
    const registry = new Registry();
    const bus = EventBus.start({ servers, source: "cloneset", registry, ...(tls ? { tls } : {}) });
    buses.push(bus);
    await waitFor("the EventBus to connect over TLS", () => bus.connected, 15_000);
    bus.publish({
      kind: "CloneSet",
      namespace: "ns",
      name: "web",
      event: "scaled",
      id: `${servers}.scaled`,
      data: {},
    });
    await waitFor("JetStream's acknowledgement", async () => (await published(registry)) === 1, 15_000);
  }

  it("connects with the CA it is given and publishes", async () => {
    await publishesThrough(`tls://localhost:${tlsPort}`, { caFile: files.caFile });
  });

  it("presents its client certificate to a server that verifies clients, and publishes", async () => {
    await publishesThrough(`tls://localhost:${mutualPort}`, {
      caFile: files.caFile,
      certFile: files.clientCertFile,
      keyFile: files.clientKeyFile,
    });
    await expect(
      connect({
        ...natsConnectionSettings(`tls://localhost:${mutualPort}`, {}, { caFile: files.caFile }),
        reconnect: false,
        timeout: 3_000,
      }),
    ).rejects.toThrow();
  });

  it("does not trust a server whose CA it was not given", async () => {
    for (const tls of [{}, { caFile: files.otherCaFile }])
      await expect(
        connect({
          ...natsConnectionSettings(`tls://localhost:${tlsPort}`, {}, tls),
          reconnect: false,
          timeout: 3_000,
        }),
      ).rejects.toThrow(/certificate/);
  });

  it("with tls:// refuses a server that offers no TLS, so nothing goes out in clear", async () => {
    await expect(
      connect({
        ...natsConnectionSettings(`tls://localhost:${plainPort}`),
        reconnect: false,
        timeout: 3_000,
      }),
    ).rejects.toThrow(/does not support 'tls'/);
  });

  it("a server with TLS turns a plain-text client away", async () => {
    const reply = await natsPlaintextReply("127.0.0.1", tlsPort);
    expect(reply.info?.["tls_required"]).toBe(true);
    expect(reply).toMatchObject({ ponged: false, closed: true });
  });
});
