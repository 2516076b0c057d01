import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'protocolIndexChild.mjs');

/**
 * Runs the protocol indexer's backfill in a child process (config as test/fixtures/protocolIndexChild.mjs
 * reads it) and, with `killAfterBatches`, sends it SIGKILL a few ms after that many committed batches. `blocks`: the
 * last block of each batch the child reported committed, in order.
 */
export function runIndexChild(config: object, killAfterBatches?: number): Promise<{ batches: number; blocks: number[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child], { env: { ...process.env, ATLAS_INDEX_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let batches = 0;
    const blocks: number[] = [];
    let stderr = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      const lines = d.toString().match(/^batch \d+/gm) ?? [];
      batches += lines.length;
      for (const l of lines) blocks.push(Number(l.slice(6)));
      if (killAfterBatches !== undefined && !killed && batches >= killAfterBatches) {
        killed = true;
        setTimeout(() => p.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (_code, signal) => resolve({ batches, blocks, signal, stderr }));
  });
}
