/**
 * CI pre-flight (.ci/run): the test suite talks to a real PostgreSQL and Redis and starts its
 * own redis-server for the fault tests. Fails with a message that says what is missing and how
 * to start it, instead of letting tests fail (or skip) one by one later.
 *
 *   npx tsx scripts/check-services.ts   (TEST_POSTGRES_URL, TEST_REDIS_URL override the defaults)
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import pg from 'pg';
import { withoutCredentials } from '../src/config.js';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function checkPostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("select current_setting('server_version') as v");
    console.log(`   PostgreSQL ${r.rows[0]?.v ?? '?'} at ${withoutCredentials(POSTGRES_URL)}: ok`);
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${withoutCredentials(POSTGRES_URL)} (${err instanceof Error ? err.message : String(err)}).
     Start it (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_POSTGRES_URL.`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    console.log(`   Redis at ${withoutCredentials(REDIS_URL)}: ok`);
    return undefined;
  } catch (err) {
    return `Redis is not reachable at ${withoutCredentials(REDIS_URL)} (${err instanceof Error ? err.message : String(err)}).
     Start it (e.g. redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set TEST_REDIS_URL.`;
  } finally {
    client.disconnect();
  }
}

function checkRedisServerBinary(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    console.log('   redis-server binary (fault tests start their own): ok');
    return undefined;
  } catch {
    return 'redis-server is not installed; the Redis fault tests (test/faults/redis.test.ts) start their own. Install Debian package redis-server.';
  }
}

const problems = [await checkPostgres(), await checkRedis(), checkRedisServerBinary()].filter(
  (p): p is string => p !== undefined,
);
if (problems.length > 0) {
  console.error(`\nCI cannot run the suite:\n${problems.map((p) => ` - ${p}`).join('\n')}\n`);
  process.exit(1);
}
