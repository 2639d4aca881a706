import { RequestError } from './errors.ts'

// Rules and error wording of POST /v1/chat/completions
// (https://platform.openai.com/docs/api-reference/chat/create), as the API answers them: a
// missing field is `missing_required_parameter`, a wrong JSON type `invalid_type`, a value
// outside an enum `invalid_value`, an unknown key inside a message `unknown_parameter`, an
// unknown top-level key "Unrecognized request argument supplied".

export interface ChatRequest {
  readonly model: string
  readonly messages: readonly Message[]
  readonly stream: boolean
  readonly includeUsage: boolean
  readonly includeObfuscation: boolean
  readonly n: number
  /** `max_completion_tokens`, else `max_tokens`. */
  readonly maxTokens: number | undefined
}

export interface Message {
  readonly role: string
  /** The text of its string content or text parts. */
  readonly text: string
}

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer']
const PART_TYPES = ['text', 'image_url', 'input_audio', 'refusal', 'audio', 'file']
const PARTS_BY_ROLE: Record<string, readonly string[]> = {
  system: ['text'],
  developer: ['text'],
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
  tool: ['text'],
}
const MESSAGE_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content', 'name'],
  developer: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'refusal', 'tool_calls', 'function_call', 'audio'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
}

/** Known parameters other than those checked below: accepted and ignored. */
const IGNORED = new Set([
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'metadata',
  'modalities',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
])
const CHECKED = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'n',
  'temperature',
  'max_tokens',
  'max_completion_tokens',
])

export function validateChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) {
    throw new RequestError(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      null,
      null,
    )
  }
  for (const key of Object.keys(body)) {
    if (!CHECKED.has(key) && !IGNORED.has(key)) {
      throw new RequestError(`Unrecognized request argument supplied: ${key}`, null, null)
    }
  }
  if (body.model === undefined || body.model === null || body.model === '') {
    throw new RequestError('you must provide a model parameter', null, null)
  }
  expectType(body.model, 'string', 'model')
  const messages = validateMessages(body.messages)
  const stream = optionalBoolean(body.stream, 'stream') ?? false
  const options = body.stream_options
  if (options !== undefined && options !== null) {
    if (!stream) {
      throw new RequestError(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
        null,
      )
    }
    expectType(options, 'object', 'stream_options')
  }
  const streamOptions = isObject(options) ? options : {}
  bounded(body.temperature, 'temperature', 0, 2, false)
  return {
    model: body.model as string,
    messages,
    stream,
    includeUsage:
      optionalBoolean(streamOptions.include_usage, 'stream_options.include_usage') ?? false,
    includeObfuscation:
      optionalBoolean(streamOptions.include_obfuscation, 'stream_options.include_obfuscation') ??
      true,
    n: bounded(body.n, 'n', 1, 128, true) ?? 1,
    maxTokens:
      bounded(body.max_completion_tokens, 'max_completion_tokens', 1, 1_000_000, true) ??
      bounded(body.max_tokens, 'max_tokens', 1, 1_000_000, true),
  }
}

function validateMessages(value: unknown): Message[] {
  if (value === undefined || value === null) {
    throw new RequestError(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    )
  }
  if (!Array.isArray(value)) {
    throw new RequestError(
      `Invalid type for 'messages': expected an array of objects, but got ${typeName(value)} instead.`,
      'messages',
      'invalid_type',
    )
  }
  if (value.length === 0) {
    throw new RequestError(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    )
  }
  return value.map((message, i) => validateMessage(message, `messages[${i}]`))
}

function validateMessage(message: unknown, at: string): Message {
  expectType(message, 'object', at)
  const m = message as Record<string, unknown>
  if (m.role === undefined) {
    throw new RequestError(
      `Missing required parameter: '${at}.role'.`,
      `${at}.role`,
      'missing_required_parameter',
    )
  }
  expectType(m.role, 'string', `${at}.role`)
  const role = m.role as string
  if (!ROLES.includes(role)) {
    throw new RequestError(
      `Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `${at}.role`,
      'invalid_value',
    )
  }
  for (const key of Object.keys(m)) {
    if (!MESSAGE_KEYS[role]!.includes(key)) {
      throw new RequestError(
        `Unknown parameter: '${at}.${key}'.`,
        `${at}.${key}`,
        'unknown_parameter',
      )
    }
  }
  if (m.name !== undefined) expectType(m.name, 'string', `${at}.name`)
  if (role === 'tool') requireString(m.tool_call_id, `${at}.tool_call_id`)
  if (role === 'function') requireString(m.name, `${at}.name`)
  const mayOmit =
    role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined)
  if ((m.content === undefined || m.content === null) && !mayOmit && role !== 'assistant') {
    throw new RequestError(
      `Missing required parameter: '${at}.content'.`,
      `${at}.content`,
      'missing_required_parameter',
    )
  }
  return { role, text: contentText(m.content, role, `${at}.content`) }
}

function contentText(content: unknown, role: string, at: string): string {
  if (content === undefined || content === null) return ''
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) {
    throw new RequestError(
      `Invalid type for '${at}': expected one of a string or array of objects, but got ${typeName(content)} instead.`,
      at,
      'invalid_type',
    )
  }
  return content.map((part, i) => partText(part, role, `${at}[${i}]`)).join('')
}

function partText(part: unknown, role: string, at: string): string {
  expectType(part, 'object', at)
  const p = part as Record<string, unknown>
  requireString(p.type, `${at}.type`)
  const type = p.type as string
  if (!PART_TYPES.includes(type)) {
    throw new RequestError(
      `Invalid value: '${type}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', 'audio', and 'file'.`,
      `${at}.type`,
      'invalid_value',
    )
  }
  const allowed = PARTS_BY_ROLE[role] ?? ['text']
  if (!allowed.includes(type)) {
    throw new RequestError(
      `Invalid '${at}.type': '${type}' is not supported for messages with role '${role}'.`,
      `${at}.type`,
      'invalid_value',
    )
  }
  if (type === 'text') return requireString(p.text, `${at}.text`)
  if (type === 'refusal') return requireString(p.refusal, `${at}.refusal`)
  if (type === 'image_url') {
    expectRequired(p.image_url, `${at}.image_url`)
    expectType(p.image_url, 'object', `${at}.image_url`)
    const url = requireString((p.image_url as Record<string, unknown>).url, `${at}.image_url.url`)
    if (!/^(https?:\/\/|data:image\/)/.test(url)) {
      throw new RequestError(
        `Invalid '${at}.image_url.url': expected a URL or a data URL.`,
        `${at}.image_url.url`,
        'invalid_value',
      )
    }
  }
  return ''
}

function requireString(value: unknown, at: string): string {
  expectRequired(value, at)
  expectType(value, 'string', at)
  return value as string
}

function expectRequired(value: unknown, at: string): void {
  if (value === undefined || value === null) {
    throw new RequestError(`Missing required parameter: '${at}'.`, at, 'missing_required_parameter')
  }
}

function optionalBoolean(value: unknown, at: string): boolean | undefined {
  if (value === undefined || value === null) return undefined
  expectType(value, 'boolean', at)
  return value as boolean
}

function bounded(
  value: unknown,
  at: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (value === undefined || value === null) return undefined
  expectType(value, integer ? 'integer' : 'number', at)
  const n = value as number
  const kind = integer ? 'integer' : 'decimal'
  if (n < min) {
    throw new RequestError(
      `Invalid '${at}': ${kind} below minimum value. Expected a value >= ${min}, but got ${n} instead.`,
      at,
      `${kind}_below_min_value`,
    )
  }
  if (n > max) {
    throw new RequestError(
      `Invalid '${at}': ${kind} above maximum value. Expected a value <= ${max}, but got ${n} instead.`,
      at,
      `${kind}_above_max_value`,
    )
  }
  return n
}

type Expected = 'string' | 'boolean' | 'number' | 'integer' | 'object'

function expectType(value: unknown, expected: Expected, at: string): void {
  const ok =
    expected === 'object'
      ? isObject(value)
      : expected === 'integer'
        ? Number.isInteger(value)
        : typeof value === expected
  if (ok) return
  const wanted = {
    string: 'a string',
    boolean: 'a boolean',
    number: 'a number',
    integer: 'an integer',
    object: 'an object',
  }[expected]
  throw new RequestError(
    `Invalid type for '${at}': expected ${wanted}, but got ${typeName(value)} instead.`,
    at,
    'invalid_type',
  )
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
