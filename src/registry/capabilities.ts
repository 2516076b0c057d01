/**
 * go-livepeer capability identifiers (core.Capability): the numeric id carried in bitstrings, price entries and
 * per-capability constraints, a slug (the AI pipeline names gateways use, e.g. "text-to-image") and a
 * display name. Three naming schemes coexist in the wild, so every input accepts any of them.
 */

export interface CapabilityInfo {
  id: number;
  slug: string;
  name: string;
  /** AI pipelines carry per-model constraints and per-model prices. */
  ai: boolean;
}

const TABLE: [number, string, string][] = [
  [0, 'h264', 'H.264'],
  [1, 'mpegts', 'MPEG-TS'],
  [2, 'mp4', 'MP4'],
  [3, 'fractional-framerates', 'Fractional framerates'],
  [4, 'storage-direct', 'Storage: direct'],
  [5, 'storage-s3', 'Storage: S3'],
  [6, 'storage-gcs', 'Storage: GCS'],
  [7, 'h264-baseline', 'H.264 Baseline profile'],
  [8, 'h264-main', 'H.264 Main profile'],
  [9, 'h264-high', 'H.264 High profile'],
  [10, 'h264-constrained-high', 'H.264 Constrained High profile'],
  [11, 'gop', 'GOP'],
  [12, 'auth-token', 'Auth token'],
  [13, 'scene-classification', 'Scene classification'],
  [14, 'mpeg7-video-signature', 'MPEG-7 video signature'],
  [15, 'hevc-decode', 'HEVC decode'],
  [16, 'hevc-encode', 'HEVC encode'],
  [17, 'vp8-decode', 'VP8 decode'],
  [18, 'vp9-decode', 'VP9 decode'],
  [19, 'vp8-encode', 'VP8 encode'],
  [20, 'vp9-encode', 'VP9 encode'],
  [21, 'h264-decode-444-8bit', 'H.264 decode 4:4:4 8-bit'],
  [22, 'h264-decode-422-8bit', 'H.264 decode 4:2:2 8-bit'],
  [23, 'h264-decode-444-10bit', 'H.264 decode 4:4:4 10-bit'],
  [24, 'h264-decode-422-10bit', 'H.264 decode 4:2:2 10-bit'],
  [25, 'h264-decode-420-10bit', 'H.264 decode 4:2:0 10-bit'],
  [26, 'segment-slicing', 'Segment slicing'],
  [27, 'text-to-image', 'Text to image'],
  [28, 'image-to-image', 'Image to image'],
  [29, 'image-to-video', 'Image to video'],
  [30, 'upscale', 'Upscale'],
  [31, 'audio-to-text', 'Audio to text'],
  [32, 'segment-anything-2', 'Segment anything 2'],
  [33, 'llm', 'LLM'],
  [34, 'image-to-text', 'Image to text'],
  [35, 'live-video-to-video', 'Live video to video'],
  [36, 'text-to-speech', 'Text to speech'],
  [37, 'byoc', 'BYOC (external capability)'],
];

/** Every known capability, by id. */
export const CAPABILITIES: readonly CapabilityInfo[] = TABLE.map(([id, slug, name]) => ({ id, slug, name, ai: id >= 27 }));

/** Highest capability id this release knows; larger ids are accepted by number only (newer nodes). */
export const MAX_KNOWN_CAPABILITY = TABLE.length - 1;
/** Bitstrings are uint64 words; no real node sets more than a few words. */
export const MAX_CAPABILITY_ID = 255;
/** BYOC: the "model" slot names the external capability (e.g. "openai-chat-completions"). */
export const BYOC = 37;

const byKey = new Map<string, number>();
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_.:]+/g, '-').replace(/-+/g, '-');
for (const c of CAPABILITIES) {
  byKey.set(norm(c.slug), c.id);
  byKey.set(norm(c.name), c.id);
}

/** Capability id from an id, a numeric string, a slug or a display name; null when unknown. */
export function capabilityId(x: string | number): number | null {
  if (typeof x === 'number') return Number.isInteger(x) && x >= 0 && x <= MAX_CAPABILITY_ID ? x : null;
  const t = x.trim();
  if (/^\d{1,3}$/.test(t)) return capabilityId(Number(t));
  return byKey.get(norm(t)) ?? null;
}

/** The slug of a capability id; unknown ids render as "capability-<id>". */
export function capabilitySlug(id: number): string {
  return CAPABILITIES[id]?.slug ?? `capability-${id}`;
}

export function capabilityName(id: number): string {
  return CAPABILITIES[id]?.name ?? `Capability ${id}`;
}

export function isAiCapability(id: number): boolean {
  return id >= 27;
}

/**
 * go-livepeer bitstring (repeated uint64: bit n of word n/64 = capability n) → sorted capability ids.
 * Words arrive as JSON numbers or, from protojson, as decimal strings.
 */
export function idsFromBitstring(words: readonly (bigint | number | string)[]): number[] {
  const ids: number[] = [];
  words.forEach((w, i) => {
    let v = BigInt(w);
    for (let bit = 0; v > 0n; bit++, v >>= 1n) if (v & 1n) ids.push(i * 64 + bit);
  });
  return ids;
}

/** Sorted capability ids → uint64 words (the inverse of idsFromBitstring). */
export function bitstringFromIds(ids: readonly number[]): bigint[] {
  const words: bigint[] = [];
  for (const id of ids) {
    const w = Math.floor(id / 64);
    while (words.length <= w) words.push(0n);
    words[w]! |= 1n << BigInt(id % 64);
  }
  return words;
}

/** A parsed node or runner version: numeric major.minor.patch, and whether it carries a pre-release tag. */
export interface Version {
  parts: [number, number, number];
  pre: boolean;
}

/** Parses "0.8.4", "v0.8.4", "0.8.4-rc1", "0.8.4+abc" (build metadata ignored); null when not a version. */
export function parseVersion(text: string): Version | null {
  const m = /^v?(\d{1,5})(?:\.(\d{1,5}))?(?:\.(\d{1,5}))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return null;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] !== undefined };
}

/**
 * A number with the order of compareVersions (parts are below 1e5, so the key is an exact double): lets
 * the matcher compare versions as plain numbers.
 */
export function versionKey(v: Version): number {
  return ((v.parts[0] * 1e5 + v.parts[1]) * 1e5 + v.parts[2]) * 2 + (v.pre ? 0 : 1);
}

/** Semver order on major.minor.patch; a pre-release sorts below its release. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i]! - b.parts[i]!;
  return a.pre === b.pre ? 0 : a.pre ? -1 : 1;
}
