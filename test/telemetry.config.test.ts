import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/cli/config.js';
import { parseAllowList } from '../src/telemetry/authorize.js';

describe('telemetry configuration', () => {
  it('reads the gateway allow-list and retention from the environment', () => {
    const c = loadConfig({ ATLAS_TELEMETRY_GATEWAYS: '0xAbCdEf0123456789abcdef0123456789ABCDEF01, 0x00000000000000000000000000000000000000a1', ATLAS_TELEMETRY_RAW_DAYS: '30' });
    expect(c.telemetry).toEqual({ allowList: ['0xabcdef0123456789abcdef0123456789abcdef01', '0x00000000000000000000000000000000000000a1'], retention: { rawDays: 30, rollupDays: 400 } });
    expect(loadConfig({}).telemetry).toEqual({ allowList: [], retention: { rawDays: 14, rollupDays: 400 } });
  });

  it('refuses a bad address or a raw window shorter than the ingest window with one line', () => {
    expect(() => loadConfig({ ATLAS_TELEMETRY_GATEWAYS: '0x12,0x00000000000000000000000000000000000000a1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ATLAS_TELEMETRY_GATEWAYS: 'gateway-1' })).toThrow('ATLAS_TELEMETRY_GATEWAYS must be 0x-prefixed addresses separated by commas');
    expect(() => loadConfig({ ATLAS_TELEMETRY_RAW_DAYS: '3' })).toThrow('ATLAS_TELEMETRY_RAW_DAYS must be at least 8');
    expect(() => parseAllowList('0x1')).toThrow('"0x1" is not a 0x-prefixed 20-byte address');
    expect([...parseAllowList(' 0x00000000000000000000000000000000000000A1 ')]).toEqual(['0x00000000000000000000000000000000000000a1']);
  });
});
