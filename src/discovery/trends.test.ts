import { describe, expect, it } from 'vitest';
import { meetingMinimum, priceFloors, versionDistribution, weiPerUnit, type Answer } from './trends.js';

const p = (capability: number | null, model: string | null, pricePerUnit: bigint, pixelsPerUnit = 1n) => ({ capability, model, pricePerUnit, pixelsPerUnit });
const DAY = 86_400;

describe('trends from discovery answers', () => {
  const answers: Answer[] = [
    { at: 10, orchestrator: 'a', version: '0.8.4', prices: [p(27, 'sdxl', 300n), p(null, null, 1200n)] },
    { at: 20, orchestrator: 'a', version: '0.8.5', prices: [p(27, 'sdxl', 250n)] },
    { at: 30, orchestrator: 'b', version: '0.8.3', prices: [p(27, 'sdxl', 1000n, 3n)] },
    { at: 40, orchestrator: 'c', version: '0.8.5', prices: [p(27, 'sdxl', 400n)] },
    { at: DAY + 5, orchestrator: 'b', version: '0.8.5', prices: [p(27, 'sdxl', 100n)] },
  ];

  it('takes each orchestrator’s latest quote per bucket, the exact floor and the lower median', () => {
    const s = priceFloors(answers, DAY);
    // a's general price came with its earlier answer of the day; its latest answer quotes none, so none counts.
    expect(s.map((x) => [x.capability, x.model])).toEqual([[27, 'sdxl']]);
    const sdxl = s[0]!;
    // Day 0: a's latest 250, b 1000/3 = 333.3, c 400 → floor 250, median 333.3 (the middle quote).
    expect(sdxl.points[0]).toEqual({ at: 0, offers: 3, floor: p(27, 'sdxl', 250n), median: p(27, 'sdxl', 1000n, 3n) });
    expect(sdxl.points[1]).toEqual({ at: DAY, offers: 1, floor: p(27, 'sdxl', 100n), median: p(27, 'sdxl', 100n) });
    expect(weiPerUnit({ pricePerUnit: 1000n, pixelsPerUnit: 3n })).toBe('333.333333');
    // Two nodes of one orchestrator (service and AI service URIs) answer apart: the video node's general price
    // stands beside the AI node's later answer; the same (capability, model) from both counts once, the later quote.
    const twoNodes = priceFloors(
      [
        { at: 10, orchestrator: 'a', node: 'service', version: '0.8.5', prices: [p(null, null, 1200n), p(27, 'sdxl', 500n)] },
        { at: 20, orchestrator: 'a', node: 'ai', version: '0.8.5', prices: [p(27, 'sdxl', 300n)] },
      ],
      DAY,
    );
    expect(twoNodes.map((x) => [x.capability, x.model, x.points[0]!.offers, x.points[0]!.floor.pricePerUnit])).toEqual([
      [null, null, 1, 1200n],
      [27, 'sdxl', 1, 300n],
    ]);
    expect(weiPerUnit({ pricePerUnit: 5n, pixelsPerUnit: 1n })).toBe('5');
  });

  it('counts node versions by each orchestrator’s latest answer, and who meets a minimum', () => {
    const d = versionDistribution(answers);
    expect(d).toEqual([{ version: '0.8.5', orchestrators: 3 }]);
    expect(meetingMinimum(versionDistribution(answers.slice(0, 4)), '0.8.4')).toBe(2);
    expect(meetingMinimum(d, 'not a version')).toBe(0);
  });
});
