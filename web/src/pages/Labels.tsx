import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, apiPost } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address } from '../components/labels.js';
import { Panel } from '../components/ui.js';
import { dateTime } from '../format.js';
import StakingNav from './StakingNav.js';

export default function Labels() {
  const list = useApi('/api/v1/labels', { query: { limit: 500 } });
  const spec = useApi('/api/v1/labels/eip712');
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await apiPost('/api/v1/labels', text);
      setResult({ ok: true, message: r.revoked ? 'Label revoked.' : `Stored: ${r.label?.name ?? ''}` });
      // Every label lookup (this list and the badges elsewhere) asks again.
      await client.invalidateQueries({ queryKey: ['/api/v1/labels'] });
    } catch (err) {
      setResult({ ok: false, message: err instanceof ApiError ? `${err.status}: ${err.message}` : String(err) });
    }
  };
  return (
    <div className="page">
      <StakingNav />
      <h1>Self-identified addresses</h1>
      <p className="muted">
        An address owner signs an EIP-712 statement (name, URL, role) with its own key; Atlas verifies the signature, stores it with the signature and shows the name wherever the address
        appears. A newer signed statement replaces it; a signed revocation removes it. Labels are claims by the address itself, not verified identities.
      </p>
      <Panel title="Labels">
        <ApiState q={list}>
          {({ data }) => (
            <DataTable
              rows={data}
              rowKey={(l) => l.address}
              row={(l) => ({ 'data-address': l.address })}
              testId="labels"
              empty="No address has identified itself yet."
              columns={[
                { head: 'Address', cell: (l) => <Address address={l.address} label={l} href={`/accounts/${l.address}`} /> },
                { head: 'Role', cell: (l) => (l.verified ? `${l.role} (${l.roleSource === 'configuration' ? 'configured' : 'on chain'})` : `${l.role} (unverified)`) },
                {
                  head: 'URL',
                  className: 'ellipsis',
                  cell: (l) =>
                    l.url ? (
                      <a href={l.url} rel="noopener noreferrer nofollow" target="_blank">
                        {l.url}
                      </a>
                    ) : (
                      '—'
                    ),
                },
                { head: 'Signed', title: (l) => l.signature, cell: (l) => dateTime(l.issuedAt) },
              ]}
            />
          )}
        </ApiState>
      </Panel>
      <Panel title="Post a signed statement">
        {spec.data && (
          <details>
            <summary>What to sign (eth_signTypedData_v4)</summary>
            <pre className="mono" data-testid="eip712" style={{ overflowX: 'auto', maxWidth: '100%' }}>
              {JSON.stringify({ domain: spec.data.domain, types: spec.data.types, roles: spec.data.roles }, null, 2)}
            </pre>
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
      </Panel>
    </div>
  );
}
