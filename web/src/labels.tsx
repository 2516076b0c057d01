import { useQueries } from '@tanstack/react-query';
import { api } from './api.js';
import { shortAddress } from './format.js';
import { Link } from './router.js';

/** A self-identified label as the API serves it. */
export interface AddressLabelData {
  address: string;
  name: string;
  url: string | null;
  role: string;
  issuedAt: number;
  signature: string;
}

/** Addresses per lookup request: 80 × 43 characters keeps the URL under the API's 4096-character limit. */
const CHUNK = 80;

/** Labels in force for the given addresses, looked up in chunks (one cached request per distinct chunk). */
export function useLabels(addresses: readonly string[]): Map<string, AddressLabelData> {
  const uniq = [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < uniq.length; i += CHUNK) chunks.push(uniq.slice(i, i + CHUNK));
  const results = useQueries({
    queries: chunks.map((c) => ({
      queryKey: ['labels', c],
      queryFn: () => api<{ data: AddressLabelData[] }>('/api/v1/labels', { addresses: c.join(',') }),
      staleTime: 30_000,
    })),
  });
  return new Map(results.flatMap((r) => r.data?.data ?? []).map((l) => [l.address, l]));
}

/** The self-identified name of an address as a small badge; nothing when it has none. */
export function LabelBadge({ label }: { label: AddressLabelData | undefined }) {
  if (!label) return null;
  return (
    <span className="badge on" data-testid="address-label" title={`self-identified ${label.role}${label.url ? ` · ${label.url}` : ''} (signed statement)`}>
      {label.name}
    </span>
  );
}

/** An address, shortened, optionally linked, with its label when it has one. */
export function Address({ address, label, href }: { address: string; label?: AddressLabelData; href?: string }) {
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
