import { z } from 'zod'

import { responderSettings } from '../connectors/responders.ts'

/**
 * Process configuration: infrastructure only. Integrations (Teams apps, Genesys integrations)
 * are database records managed through the API or seeded by sandbox mode. Every key is
 * documented here; `cx-bridge config example` prints them.
 */
export const configSchema = z
  .object({
    mode: z
      .enum(['sandbox', 'embedded'])
      .default('sandbox')
      .describe(
        'sandbox: starts every emulator in-process and seeds a demo tenant; embedded: real remotes',
      ),
    dataDir: z
      .string()
      .default('.data')
      .describe('Where SQLite files, blobs and the generated secrets key live'),
    http: z
      .object({
        host: z.string().default('127.0.0.1').describe('Interface to listen on'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(3978)
          .describe('Port to listen on (0 = any free port)'),
        publicUrl: z
          .url()
          .optional()
          .describe(
            'The URL remotes reach this bridge at (webhooks, signed attachment URLs); default http://host:port',
          ),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(50 * 1024 * 1024)
          .default(1024 * 1024)
          .describe('Largest webhook body accepted (413 above)'),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        url: z
          .string()
          .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
          .optional()
          .describe('sqlite:<file> (default <dataDir>/cx-bridge.db) or postgres://user@host/db'),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        path: z
          .string()
          .optional()
          .describe('SQLite file of the embedded queue (default <dataDir>/queue.db)'),
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
          .optional()
          .describe(
            'PostgreSQL for the queue (pg-boss, FIFO per conversation); unset = the embedded SQLite queue',
          ),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(256)
          .default(16)
          .describe('Jobs run at once (different lanes)'),
        maxAttempts: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(12)
          .describe('Attempts before a lane is parked'),
        stopGraceMs: z
          .number()
          .int()
          .min(0)
          .max(10 * 60_000)
          .default(10_000)
          .describe(
            'On SIGTERM, how long running jobs may finish; those still running are then given back as queued for another worker',
          ),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .optional()
          .describe(
            'Redis shared by every process: rate limits, bot sessions, caches (redis://[:password@]host:port[/db]); unset = in-process limits, sessions and caches in the store',
          ),
        keyPrefix: z
          .string()
          .min(1)
          .max(64)
          .default('cxb:')
          .describe('Prefix of every Redis key, so several deployments can share one Redis'),
      })
      .strict()
      .prefault({}),
    secrets: z
      .object({
        keyFile: z
          .string()
          .optional()
          .describe(
            'File with the 32-byte AES-256-GCM master key (base64 or hex); env CXB_SECRETS_KEY wins',
          ),
      })
      .strict()
      .prefault({}),
    attachments: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(100 * 1024 * 1024)
          .default(20 * 1024 * 1024)
          .describe('Largest attachment forwarded'),
        allowedMediaTypes: z
          .array(z.string().regex(/^[\w.+-]+\/(\*|[\w.+-]+)$/))
          .default([
            'image/*',
            'application/pdf',
            'text/plain',
            'video/mp4',
            'audio/*',
            'application/vnd.openxmlformats-officedocument.*',
          ])
          .describe('MIME types forwarded (type/* wildcards)'),
        urlTtlMs: z
          .number()
          .int()
          .min(60_000)
          .default(7 * 24 * 3600 * 1000)
          .describe('Lifetime of signed attachment URLs'),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        genesysPerMinute: z
          .number()
          .int()
          .min(1)
          .default(300)
          .describe('Genesys Platform API budget per client (300/min/token)'),
        graphPerSecond: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe('Graph budget per app and tenant'),
        botPerSecond: z.number().int().min(1).default(30).describe('Bot Framework budget per app'),
        botConversationBurst: z
          .number()
          .int()
          .min(1)
          .default(7)
          .describe('Bot Framework messages per conversation in a burst (Teams: 7 per second)'),
        botConversationPerHour: z
          .number()
          .int()
          .min(1)
          .default(1800)
          .describe('Bot Framework messages per conversation per hour (Teams: 1800)'),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({
        extraCaFile: z
          .string()
          .optional()
          .describe('PEM file of an extra CA to trust for outbound calls'),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({
        tokenSecret: z
          .string()
          .optional()
          .describe(
            'Secret name (env:NAME, file:/path or stored name) of the operator API bearer token',
          ),
      })
      .strict()
      .prefault({}),
    subscriptions: z
      .object({
        catchUpIntervalMs: z
          .number()
          .int()
          .min(10_000)
          .default(10 * 60_000)
          .describe(
            'How often every watched chat is listed again in case Graph dropped notifications',
          ),
        checkIntervalMs: z
          .number()
          .int()
          .min(1000)
          .default(60_000)
          .describe('How often subscriptions are checked for renewal'),
      })
      .strict()
      .prefault({}),
    responders: z
      .object({
        allowPrivateNetworks: z
          .boolean()
          .default(false)
          .describe(
            'Let bot responders (OpenAI-compatible endpoints, webhooks) be reached on private addresses and over plain HTTP: for models and services inside your own network',
          ),
        named: z
          .record(
            z.string().regex(/^[A-Za-z0-9][\w.:-]{0,99}$/, 'letters, digits and . _ : -'),
            responderSettings,
          )
          .default({})
          .describe(
            'Responders bot integrations name in their "responder" setting, each {kind: "openai-compatible" | "webhook" | "builtin", ...} as in docs/responders.md; secrets by name (env:NAME, file:/path or a stored secret). "builtin" always exists',
          ),
      })
      .strict()
      .prefault({}),
    ordering: z
      .object({
        resequenceWindowMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(0)
          .describe(
            "Hold each message this long after its own timestamp and forward a conversation's messages oldest first, so remotes that deliver out of order (Graph does not promise order) up to this late keep it; adds this much latency. 0 = arrival order",
          ),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        messagesDays: z
          .number()
          .int()
          .min(0)
          .max(36_500)
          .default(30)
          .describe(
            'Days a conversation (open or closed) is kept after its last activity, with its messages; delivery records, AI bot turns and re-hosted attachments as long after they were written. 0 = forever',
          ),
        eventsDays: z
          .number()
          .int()
          .min(0)
          .max(36_500)
          .default(90)
          .describe('Days integration events (setup checks, bot installs) are kept; 0 = forever'),
        intervalMs: z
          .number()
          .int()
          .min(60_000)
          .max(7 * 24 * 3600 * 1000)
          .default(3600 * 1000)
          .describe(
            'How often one worker of the fleet purges what retention no longer keeps (and expired sessions and cache entries of the embedded store)',
          ),
      })
      .strict()
      .prefault({}),
    trustedHosts: z
      .array(z.string().regex(/^[\w.-]+:\d+$/, 'host:port'))
      .default([])
      .describe(
        'Exact host:port remotes trusted although private and plain HTTP: local emulators and tests only, never in production',
      ),
    log: z
      .object({
        level: z
          .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
          .default('info'),
        pretty: z.boolean().default(false).describe('Human-readable lines instead of JSON'),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export type Config = z.infer<typeof configSchema>
