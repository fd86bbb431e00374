import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Operational metrics for /metrics; one registry per app so tests do not share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    connections: new Gauge({
      name: 'chat_connections',
      help: 'Open chat sockets',
      registers: [registry],
    }),
    turns: new Counter({
      name: 'chat_turns_total',
      help: 'Client inputs handled, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    turnSeconds: new Histogram({
      name: 'chat_turn_duration_seconds',
      help: 'Time from a client input to its stored replies',
      labelNames: ['channel'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    statusLookups: new Counter({
      name: 'status_lookups_total',
      help: 'Personal status lookups, by outcome (found, signed-out, unavailable)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    statusPanelCircuit: new Gauge({
      name: 'status_panel_circuit_open',
      help: '1 while the status panel circuit breaker is open or half-open',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'chat_errors_total',
      help: 'Error frames and failed turns, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    transcriptRows: new Counter({
      name: 'transcript_rows_written_total',
      help: 'Transcript rows (conversations, messages, updates) written to the store',
      registers: [registry],
    }),
    transcriptErrors: new Counter({
      name: 'transcript_write_errors_total',
      help: 'Failed transcript batch writes (retried)',
      registers: [registry],
    }),
    transcriptDropped: new Counter({
      name: 'transcript_rows_dropped_total',
      help: 'Transcript rows not written, by reason (rejected by the database, queue-full, shutdown)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    databaseConnectionErrors: new Counter({
      name: 'database_connection_errors_total',
      help: 'Pooled database connections that broke (dropped and replaced)',
      registers: [registry],
    }),
    handoverQueue: new Gauge({
      name: 'handover_queue_length',
      help: 'Citizens waiting for a person',
      registers: [registry],
    }),
    agentConnections: new Gauge({
      name: 'staff_agent_connections',
      help: 'Open agent sockets (/staff/ws)',
      registers: [registry],
    }),
    staffLogins: new Counter({
      name: 'staff_logins_total',
      help: 'Staff sign-in attempts by result (ok, invalid, locked)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
