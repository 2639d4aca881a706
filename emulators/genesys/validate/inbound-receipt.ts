import type { FieldProblem } from '../routes/errors.ts'
import type { ReceiptReason } from '../types.ts'
import { checkTime, isObject, Problems } from './check.ts'
import { checkIdType } from './recipient.ts'

export interface ValidInboundReceipt {
  readonly id: string
  readonly toId: string
  readonly time: string
  readonly status: 'Delivered' | 'Failed'
  readonly reasons: ReceiptReason[]
  readonly isFinalReceipt?: boolean
}

// ConversationReason.code allowed values (platform-client-sdk-python conversation_reason.py).
const REASON_CODES = [
  'MessageExpired',
  'RateLimited',
  'MessageNotAllowed',
  'GeneralError',
  'UnsupportedMessage',
  'UnknownMessage',
  'InvalidMessageStructure',
  'InvalidDestination',
  'ServerError',
  'MediaTypeNotAllowed',
  'InvalidMediaContentLength',
  'RecipientOptedOut',
  'DataFiltered',
] as const

function checkReasons(value: unknown, problems: Problems): ReceiptReason[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    problems.add('reasons', 'must be an array')
    return []
  }
  const reasons: ReceiptReason[] = []
  value.forEach((reason: unknown, index) => {
    if (!isObject(reason)) return problems.add(`reasons[${index}]`, 'must be an object')
    const code = problems.oneOf(reason.code, REASON_CODES, `reasons[${index}].code`)
    const message = problems.requiredString(reason.message, `reasons[${index}].message`)
    if (code && message) reasons.push({ code, message })
  })
  return reasons
}

/**
 * `OpenInboundNormalizedReceipt`. "There are 2 supported receipt statuses for this endpoint:
 * Delivered | Failed" (https://developer.genesys.cloud/commdigital/digital/openmessaging/inboundReceiptMessages);
 * a Failed receipt must say why (`reasons`, "Only used with Failed status").
 */
export function validateInboundReceipt(
  body: unknown,
): { value: ValidInboundReceipt } | { problems: FieldProblem[] } {
  const problems = new Problems()
  if (!isObject(body)) return { problems: [{ field: 'body', problem: 'must be a JSON object' }] }
  const id = problems.requiredString(body.id, 'id')
  let toId: string | undefined
  let time: string | undefined
  if (!isObject(body.channel))
    problems.add('channel', body.channel === undefined ? 'is required' : 'must be an object')
  else {
    if (!isObject(body.channel.to)) problems.add('channel.to', 'is required')
    else {
      toId = problems.requiredString(body.channel.to.id, 'channel.to.id')
      checkIdType(body.channel.to.idType, 'channel.to.idType', problems, false)
    }
    time = checkTime(body.channel.time, 'channel.time', problems)
  }
  const status = problems.oneOf(body.status, ['Delivered', 'Failed'] as const, 'status')
  const reasons = checkReasons(body.reasons, problems)
  const noReasons =
    body.reasons === undefined || (Array.isArray(body.reasons) && body.reasons.length === 0)
  if (status === 'Failed' && noReasons)
    problems.add('reasons', 'are required when status is Failed')
  if (body.isFinalReceipt !== undefined && typeof body.isFinalReceipt !== 'boolean')
    problems.add('isFinalReceipt', 'must be a boolean')
  problems.legacy(body.direction, 'Outbound', 'direction')
  if (!problems.empty || !id || !toId || !time || !status) return { problems: problems.list }
  return {
    value: {
      id,
      toId,
      time,
      status,
      reasons,
      ...(typeof body.isFinalReceipt === 'boolean' && { isFinalReceipt: body.isFinalReceipt }),
    },
  }
}
