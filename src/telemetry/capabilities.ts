/**
 * Job kinds as reports name them. go-livepeer has three naming schemes: capability ids (27),
 * slugs ("text-to-image") and display names ("Text to image"); Atlas stores the slug. Transcoding
 * capabilities (ids 0–26) describe one kind of job, stored as "transcoding".
 */
const AI_SLUGS: Record<number, string> = {
  27: 'text-to-image',
  28: 'image-to-image',
  29: 'image-to-video',
  30: 'upscale',
  31: 'audio-to-text',
  32: 'segment-anything-2',
  33: 'llm',
  34: 'image-to-text',
  35: 'live-video-to-video',
  36: 'text-to-speech',
};

export const TRANSCODING = 'transcoding';

/** Every known pipeline slug (BYOC names are free-form and also accepted). */
export const KNOWN_PIPELINES: readonly string[] = [TRANSCODING, ...Object.values(AI_SLUGS)];

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The stored slug for a capability id, slug or display name; null when it names nothing valid. */
export function capabilitySlug(input: string | number): string | null {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) return null;
    if (input <= 26) return TRANSCODING;
    return AI_SLUGS[input] ?? null;
  }
  const s = input.trim();
  if (/^\d+$/.test(s)) return capabilitySlug(Number(s));
  const slug = s.toLowerCase().replace(/[\s_]+/g, '-');
  return SLUG.test(slug) ? slug : null;
}

/** True for jobs scored with the AI formula rather than the transcoding one. */
export function isAiPipeline(slug: string): boolean {
  return slug !== TRANSCODING;
}
