import { useQuery, useQueryClient } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import { Address, type AddressLabelData } from '../labels.js';
import { Empty, ErrorBox, Loading } from '../ui.js';

interface Eip712 {
  domain: { name: string; version: string; chainId: number };
  types: Record<string, { name: string; type: string }[]>;
  roles: string[];
  maxBodyBytes: number;
}

export default function Labels() {
  const list = useQuery({ queryKey: ['labels-all'], queryFn: () => api<{ data: AddressLabelData[] }>('/api/v1/labels', { limit: 500 }) });
  const spec = useQuery({ queryKey: ['labels-eip712'], queryFn: () => api<Eip712>('/api/v1/labels/eip712') });
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await fetch('/api/v1/labels', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const body = (await res.json().catch(() => null)) as { error?: { message: string }; label?: AddressLabelData | null; revoked?: boolean } | null;
    if (res.ok) {
      setResult({ ok: true, message: body?.revoked ? 'Label revoked.' : `Stored: ${body?.label?.name ?? ''}` });
      await client.invalidateQueries({ queryKey: ['labels-all'] });
      await client.invalidateQueries({ queryKey: ['labels'] });
    } else setResult({ ok: false, message: `${res.status}: ${body?.error?.message ?? 'rejected'}` });
  };
  return (
    <div className="page">
      <StakingNav />
      <h1>Self-identified addresses</h1>
      <p className="muted">
        An address owner signs an EIP-712 statement (name, URL, role) with its own key; Atlas verifies the signature, stores it with the signature and shows the name wherever the address
        appears. A newer signed statement replaces it; a signed revocation removes it. Labels are claims by the address itself, not verified identities.
      </p>
      <section className="panel">
        <h2>Labels</h2>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorBox error={list.error} />
        ) : list.data.data.length === 0 ? (
          <Empty>No address has identified itself yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="labels">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Role</th>
                  <th>URL</th>
                  <th>Signed</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((l) => (
                  <tr key={l.address} data-address={l.address}>
                    <td>
                      <Address address={l.address} label={l} href={`/accounts/${l.address}`} />
                    </td>
                    <td>{l.role}</td>
                    <td className="ellipsis">{l.url ? <a href={l.url} rel="noopener noreferrer nofollow" target="_blank">{l.url}</a> : '—'}</td>
                    <td title={l.signature}>{dateTime(l.issuedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel">
        <h2>Post a signed statement</h2>
        {spec.data && (
          <details>
            <summary>What to sign (eth_signTypedData_v4)</summary>
            <pre className="mono" data-testid="eip712" style={{ overflowX: 'auto', maxWidth: '100%' }}>{JSON.stringify({ domain: spec.data.domain, types: spec.data.types, roles: spec.data.roles }, null, 2)}</pre>
          </details>
        )}
        <form onSubmit={(e) => void submit(e)}>
          <textarea
            rows={6}
            style={{ width: '100%', boxSizing: 'border-box' }}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder='{"kind":"identify","account":"0x…","name":"…","url":"https://…","role":"orchestrator","issuedAt":1750000000,"signature":"0x…"}'
            data-testid="label-json"
            maxLength={4096}
          />
          <button type="submit" data-testid="label-submit">
            Submit
          </button>
        </form>
        {result && (
          <p className={result.ok ? 'ok' : 'error'} data-testid="label-result" role="status">
            {result.message}
          </p>
        )}
      </section>
    </div>
  );
}
