import { useQueries } from '@tanstack/react-query';
import { apiGet } from '../api/client.js';
import { apiKey } from '../api/hooks.js';
import type { AddressLabel } from '../api/types.js';
import { shortAddress } from '../format.js';
import { Link } from '../router.js';

/** Addresses per lookup request: 80 × 43 characters keeps the URL under the API's 4096-character limit. */
const CHUNK = 80;

/** Labels in force for the given addresses, looked up in chunks (one cached request per distinct chunk). */
export function useLabels(addresses: readonly string[]): Map<string, AddressLabel> {
  const uniq = [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < uniq.length; i += CHUNK) chunks.push(uniq.slice(i, i + CHUNK));
  const results = useQueries({
    queries: chunks.map((c) => {
      const req = { query: { addresses: c.join(',') } };
      return { queryKey: apiKey('/api/v1/labels', req), queryFn: () => apiGet('/api/v1/labels', req), staleTime: 30_000 };
    }),
  });
  return new Map(results.flatMap((r) => r.data?.data ?? []).map((l) => [l.address, l]));
}

/** The self-identified name of an address as a small badge; nothing when it has none. */
export function LabelBadge({ label }: { label: AddressLabel | undefined }) {
  if (!label) return null;
  return (
    <span
      className={label.verified ? 'badge on' : 'badge'}
      data-testid="address-label"
      data-verified={label.verified}
      title={`self-identified ${label.role}${label.verified ? '' : ' (role not verified: only the signer says so)'}${label.url ? ` · ${label.url}` : ''} (signed statement)`}
    >
      {label.name}
      {label.verified ? '' : ' (unverified)'}
    </span>
  );
}

/** An address, shortened, optionally linked, with its label when it has one. */
export function Address({ address, label, href }: { address: string; label?: AddressLabel; href?: string }) {
  return (
    <>
      {href ? (
        <Link href={href} className="mono">
          {shortAddress(address)}
        </Link>
      ) : (
        <span className="mono" title={address}>
          {shortAddress(address)}
        </span>
      )}
      <LabelBadge label={label} />
    </>
  );
}
