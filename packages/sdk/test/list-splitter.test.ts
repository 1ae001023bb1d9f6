import { describe, expect, it } from "vitest";
import { ListSplitter } from "../src/client/list-splitter.ts";
import { missingV8Flags } from "../src/manager/v8-flags.ts";

/** Feeds text in chunks of `size` bytes; returns the items and the envelope. */
function split(text: string, size: number): { items: unknown[]; envelope: Record<string, unknown> } {
  const items: unknown[] = [];
  const splitter = new ListSplitter((json) => items.push(JSON.parse(json)));
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) splitter.write(bytes.subarray(i, i + size));
  return { items, envelope: splitter.end() };
}

const tricky = {
  kind: "PodList",
  apiVersion: "v1",
  metadata: { resourceVersion: "42", continue: 'abc"]}', items: ["not", "these"] },
  items: [
    {
      metadata: { name: "a", annotations: { "x/y": 'q"u{o}te[s]\\', items: "[{" } },
      spec: { list: [[1, 2], { b: [] }] },
    },
    { metadata: { name: "ünïcødé-名前" }, data: { emoji: "🦀", empty: {} } },
    { metadata: { name: "c" } },
  ],
};

describe("ListSplitter", () => {
  const text = JSON.stringify(tricky);
  it.each([1, 2, 3, 7, 64, text.length])("splits a list read %i bytes at a time", (size) => {
    const { items, envelope } = split(text, size);
    expect(items).toEqual(tricky.items);
    expect(envelope).toEqual({ ...tricky, items: [] });
  });

  it.each([
    ["an empty list", '{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}', 0],
    [
      "items before metadata, with whitespace",
      '{ "items" : [ {"a":1} , {"b":[2]} ] , "metadata" : {"continue":"t"} }',
      2,
    ],
    [
      "no items key (the server omits it when empty)",
      '{"kind":"PodList","metadata":{"resourceVersion":"7"}}',
      0,
    ],
  ])("handles %s", (_what, json, count) => {
    const { items, envelope } = split(json, 5);
    expect(items).toHaveLength(count);
    const whole = JSON.parse(json) as Record<string, unknown>;
    expect(envelope).toEqual("items" in whole ? { ...whole, items: [] } : whole);
  });

  it("rejects a truncated body", () => {
    const splitter = new ListSplitter(() => undefined);
    splitter.write(new TextEncoder().encode('{"items":[{"a":1},{"b"'));
    expect(() => splitter.end()).toThrow(/ended in the middle/);
  });
});

describe("missingV8Flags", () => {
  it.each([
    [[], "", ["--max-semi-space-size=2"]],
    [["--max-semi-space-size=8"], "", []],
    [[], "--max_semi_space_size=4 --inspect", []],
    [["--conditions=@kruise/source"], "--enable-source-maps", ["--max-semi-space-size=2"]],
  ])("execArgv %j, NODE_OPTIONS %j: adds %j", (execArgv, nodeOptions, missing) => {
    expect(missingV8Flags(["--max-semi-space-size=2"], execArgv, nodeOptions)).toEqual(missing);
  });
});
