/**
 * Region codes a job report may carry: a metro code of a city that hosts data centres (IATA city or airport
 * code, as Livepeer's leaderboard and the cloud providers name regions: FRA, LAX, SIN, …) or an ISO 3166-1
 * country code (DE, US). Anything else ("ZZZZZZZZ") is not a place and is refused rather than becoming a
 * leaderboard region of its own.
 */
export const METRO_CODES: ReadonlySet<string> = new Set(
  (
    // North America
    'ATL BOS CHI ORD MDW DAL DFW DEN DTW HOU IAH IAD WAS DCA JFK NYC EWR LAX LAS MIA MSP PHL PHX PDX SEA SFO SJC SLC SAN ' +
    'STL TPA CLT CMH MCI RDU QRO YUL YVR YYZ YOW YYC MEX GDL MTY ' +
    // South America
    'SAO GRU GIG RIO EZE BUE SCL BOG LIM UIO MVD ' +
    // Europe
    'AMS ARN STO ATH BCN BER BRU BUD CPH DUB DUS EDI FRA GVA HAM HEL IST LIS LON LHR LUX LYS MAD MAN MIL MXP MRS MUC ' +
    'OSL PAR CDG PRG RIX ROM FCO SOF TLL VIE VNO WAW ZRH KBP BEG OTP ZAG ' +
    // Middle East and Africa
    'AUH DXB DOH RUH JED TLV BAH KWI CAI JNB CPT LOS NBO ACC CMN ' +
    // Asia and Oceania
    'BKK BOM DEL BLR MAA HYD CCU CGK JKT HKG ICN SEL KIX OSA NRT HND TYO TPE MNL KUL SIN SGN HAN PEK BJS PVG SHA SZX CAN ' +
    'CTU KHI LHE DAC CMB SYD MEL BNE PER AKL'
  ).split(' '),
);

const countries = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// CLDR also names a few codes that are no place a job runs in.
const NOT_PLACES = new Set(['ZZ', 'XA', 'XB', 'QO', 'UN', 'EZ']);

const countryMemo = new Map<string, boolean>();

/** True for a metro code or an ISO 3166-1 alpha-2 country code (any case). */
export function isRegionCode(code: string): boolean {
  const c = code.toUpperCase();
  if (c.length === 3) return METRO_CODES.has(c);
  if (c.length !== 2 || !/^[A-Z]{2}$/.test(c)) return false;
  let known = countryMemo.get(c);
  if (known === undefined) countryMemo.set(c, (known = !NOT_PLACES.has(c) && countries.of(c) !== undefined));
  return known;
}

export const REGION_RULE = 'must be a metro code (FRA, LAX, SIN, …) or an ISO 3166 country code (DE, US)';
