import { useApi } from '../api/hooks.js';
import type { Answer } from '../api/client.js';
import { Link } from '../router.js';

type Hub = NonNullable<Answer<'/api/v1/addresses/{address}'>['hub']>;

/** The page that describes an address in one role. */
export function hubPath(hub: Hub, address: string): string {
  switch (hub) {
    case 'orchestrator':
      return `/orchestrators/${address}`;
    case 'gateway':
      return `/gateways/${address}`;
    case 'delegator':
      return `/accounts/${address}`;
    default:
      return `/address/${address}`;
  }
}

const ROLE_LINKS: [keyof Answer<'/api/v1/addresses/{address}'>['roles'], Hub, string][] = [
  ['orchestrator', 'orchestrator', 'orchestrator page'],
  ['gateway', 'gateway', 'gateway page'],
  ['delegator', 'delegator', 'stake and history'],
  ['treasuryRecipient', 'treasury-recipient', 'treasury payments'],
];

/** Links to the address's other hubs ("also: gateway page · stake and history"); nothing when it has one role. */
export function OtherRoles({ address, current }: { address: string; current: Hub }) {
  const q = useApi('/api/v1/addresses/{address}', { params: { address } });
  const links = ROLE_LINKS.filter(([role, hub]) => hub !== current && q.data?.roles[role]);
  if (links.length === 0) return null;
  return (
    <span className="muted" data-testid="other-roles">
      {' '}
      · also:{' '}
      {links.map(([, hub, text], i) => (
        <span key={hub}>
          {i > 0 && ' · '}
          <Link href={hubPath(hub, address)}>{text}</Link>
        </span>
      ))}
    </span>
  );
}
