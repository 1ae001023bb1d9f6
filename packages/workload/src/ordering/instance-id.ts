import { randomInt } from "node:crypto";
import { SAFE_ALPHABET } from "../revision/hash.ts";

export const INSTANCE_ID_LENGTH = 5;

/** Returns an integer in [0, max). Injected in tests; crypto-backed by default. */
export type RandomInt = (max: number) => number;

const defaultRandom: RandomInt = (max) => randomInt(max);

/** A random string over Kubernetes' rand.String alphabet (no vowels, no 0/1/3), so names never spell words. */
export function randomSafeString(length: number, random: RandomInt = defaultRandom): string {
  let out = "";
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[random(SAFE_ALPHABET.length)];
  return out;
}

// 27^5 ≈ 14M ids; even a huge workload finds a free one within a few tries, so this only guards a broken RNG.
const MAX_ID_ATTEMPTS = 1000;

/** A fresh instance id not in `taken`. */
export function generateInstanceId(taken: ReadonlySet<string>, random: RandomInt = defaultRandom): string {
  for (let i = 0; i < MAX_ID_ATTEMPTS; i++) {
    const id = randomSafeString(INSTANCE_ID_LENGTH, random);
    if (!taken.has(id)) return id;
  }
  throw new Error(
    `could not find a free ${INSTANCE_ID_LENGTH}-character instance id after ${MAX_ID_ATTEMPTS} tries; is the random source working?`,
  );
}

/** The pod name for an instance: `<workload>-<id>`. */
export function instancePodName(workloadName: string, id: string): string {
  return `${workloadName}-${id}`;
}
