import { decodeFunctionResult, encodeFunctionData, type Abi, type Address, type Hex } from 'viem';

interface RpcRequest {
  method: string;
  params: unknown[];
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A transaction the simulator wants mined; `tag` travels with it into the receipt handling. */
export interface SimTx<T = unknown> {
  from: Address;
  to: Address;
  data: Hex;
  value?: bigint;
  tag: T;
}

export interface TxReceiptLite {
  transactionHash: Hex;
  transactionIndex: number;
  status: 'success' | 'reverted';
  logs: number;
}

/** Thin JSON-RPC client for driving the simulated chain (batches, no retries: anvil is local). */
export class SimRpc {
  private nextId = 1;
  constructor(readonly url: string) {}

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [r] = await this.batch<T>([{ method, params }]);
    return r as T;
  }

  async batch<T = unknown>(reqs: RpcRequest[]): Promise<T[]> {
    if (reqs.length === 0) return [];
    const body = reqs.map((r) => ({ jsonrpc: '2.0', id: this.nextId++, method: r.method, params: r.params }));
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator rpc HTTP ${res.status}: ${await res.text()}`);
    const out = (await res.json()) as RpcResponse[];
    const byId = new Map(out.map((o) => [o.id, o]));
    return body.map((b) => {
      const o = byId.get(b.id);
      if (!o) throw new Error(`simulator rpc: no response for ${b.method}`);
      if (o.error) throw new Error(`simulator rpc ${b.method}: ${o.error.message}`);
      return o.result as T;
    });
  }

  /** Batched eth_call of view functions at a block tag. */
  async reads<R = unknown>(
    calls: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] }[],
    blockTag: Hex | 'latest' | 'pending' = 'latest',
    chunk = 500,
  ): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < calls.length; i += chunk) {
      const part = calls.slice(i, i + chunk);
      const raw = await this.batch<Hex>(
        part.map((c) => ({
          method: 'eth_call',
          params: [
            { to: c.address, data: encodeFunctionData({ abi: c.abi, functionName: c.functionName, args: c.args ?? [] } as never) },
            blockTag,
          ],
        })),
      );
      raw.forEach((data, j) => {
        const c = part[j]!;
        out.push(decodeFunctionResult({ abi: c.abi, functionName: c.functionName, data } as never) as R);
      });
    }
    return out;
  }
}

export const toHex = (n: bigint | number): Hex => `0x${n.toString(16)}` as Hex;
