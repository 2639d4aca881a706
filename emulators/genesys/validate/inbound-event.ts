import type { FieldProblem } from '../routes/errors.ts'
import type { FromRecipient, InboundEventRecord } from '../types.ts'
import { checkTime, isObject, Problems } from './check.ts'
import { checkFrom } from './recipient.ts'

export interface ValidInboundEvent {
  readonly from: FromRecipient
  readonly time: string
  readonly events: InboundEventRecord['events']
}

/**
 * `OpenInboundNormalizedEvent`: `channel {from, time}` and `events[]` whose `eventType` is `Typing`
 * (the only allowed value); `typing.type` may only be `On`, `duration` is in milliseconds
 * (https://developer.genesys.cloud/commdigital/digital/openmessaging/inboundEventMessages).
 */
export function validateInboundEvent(
  body: unknown,
): { value: ValidInboundEvent } | { problems: FieldProblem[] } {
  const problems = new Problems()
  if (!isObject(body)) return { problems: [{ field: 'body', problem: 'must be a JSON object' }] }
  let from: FromRecipient | undefined
  let time: string | undefined
  if (!isObject(body.channel))
    problems.add('channel', body.channel === undefined ? 'is required' : 'must be an object')
  else {
    from = checkFrom(body.channel.from, 'channel.from', problems)
    time = checkTime(body.channel.time, 'channel.time', problems)
  }
  const events: InboundEventRecord['events'][number][] = []
  if (!Array.isArray(body.events) || body.events.length === 0)
    problems.add('events', 'must be a non-empty array')
  else
    body.events.forEach((event: unknown, index) => {
      const field = `events[${index}]`
      if (!isObject(event)) return problems.add(field, 'must be an object')
      const eventType = problems.oneOf(event.eventType, ['Typing'] as const, `${field}.eventType`)
      if (event.typing === undefined) {
        if (eventType) events.push({ eventType })
        return
      }
      if (!isObject(event.typing)) return problems.add(`${field}.typing`, 'must be an object')
      const type = problems.oneOf(event.typing.type, ['On'] as const, `${field}.typing.type`)
      const duration = event.typing.duration
      if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) <= 0))
        problems.add(`${field}.typing.duration`, 'must be a positive integer (milliseconds)')
      if (eventType && type)
        events.push({
          eventType,
          typing: { type, ...(typeof duration === 'number' && { duration }) },
        })
    })
  if (!problems.empty || !from || !time) return { problems: problems.list }
  return { value: { from, time, events } }
}
