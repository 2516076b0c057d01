import { useQuery } from '@tanstack/react-query';
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

/** Labels in force for the given addresses (one request per distinct set, at most 200 addresses). */
export function useLabels(addresses: readonly string[]): Map<string, AddressLabelData> {
  const uniq = [...new Set(addresses.map((a) => a.toLowerCase()))].sort().slice(0, 200);
  const q = useQuery({
    queryKey: ['labels', uniq],
    queryFn: () => api<{ data: AddressLabelData[] }>('/api/v1/labels', { addresses: uniq.join(',') }),
    enabled: uniq.length > 0,
    staleTime: 30_000,
  });
  return new Map((q.data?.data ?? []).map((l) => [l.address, l]));
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
