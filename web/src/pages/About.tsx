import { Link } from '../router.js';
import { Panel } from '../components/ui.js';

/** What Atlas is, where its data comes from, and how it grades itself against the data-needs report. */
export default function About() {
  return (
    <div className="page">
      <h1>About Atlas</h1>
      <Panel>
        <p>
          Livepeer Atlas is an open data platform for the Livepeer network. It indexes every Livepeer protocol contract on Arbitrum One (bonding, rewards, tickets,
          treasury, governance) into SQL and replays the protocol math, so stake, pending earnings and fees shown here equal the contracts to the wei. Gateways add
          signed telemetry of the jobs they send (success, latency, price paid) and orchestrators signed adverts of what they run and at what price.
        </p>
        <p>
          Every figure on these pages comes from the public API: <a href="/docs">REST reference</a>, <a href="/openapi.json">OpenAPI</a> and{' '}
          <a href="/graphql">GraphQL</a> (subgraph-compatible names).
        </p>
      </Panel>
      <Panel title="How well Atlas answers the ecosystem's questions">
        <p>
          A data-needs report lists the questions each role asks of Livepeer data. Atlas maps each question to the view that answers it and grades its own coverage.
        </p>
        <ul>
          <li>
            <Link href="/needs">The questions</Link>, by role and scenario, with Atlas&apos;s live answer beside each.
          </li>
          <li>
            <Link href="/needs/coverage">Coverage</Link>: the share of questions answered per role, before and after Atlas.
          </li>
        </ul>
      </Panel>
    </div>
  );
}
