import { onchainTable } from 'ponder';

// One generic row per log, the minimal equivalent of Atlas's chain_event table.
export const chainEvent = onchainTable('chain_event', (t) => ({
  id: t.text().primaryKey(),
  block: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  contract: t.text().notNull(),
  name: t.text().notNull(),
  args: t.json().notNull(),
}));
