import { Hono } from 'hono';
import { sql } from 'ponder';
import { db } from 'ponder:api';
import { chainEvent } from 'ponder:schema';

// The bench counts what Ponder wrote through its own read connection: with PGlite the database
// lives inside the Ponder process and cannot be opened from outside while it runs.
const app = new Hono();
app.get('/bench/count', async (c) => {
  const rows = await db.select({ n: sql<string>`count(*)` }).from(chainEvent);
  return c.json({ rows: Number(rows[0]?.n ?? 0) });
});

export default app;
