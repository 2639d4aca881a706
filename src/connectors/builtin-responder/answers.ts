import type { ResponderTurn } from '../../core/ports/responder.ts'

const ORDER_STATES = [
  'has shipped and should arrive within two days',
  'is being packed',
  'was delivered yesterday',
]

/** A deterministic answer to one turn: the same turn always gets the same words. */
export function answerFor(turn: ResponderTurn, botName: string): string {
  const text = turn.message.text.trim()
  const lower = text.toLowerCase()
  const name = firstName(turn.message.sender.displayName)
  const attachments = turn.message.attachments
  if (text === '' && attachments.length > 0) {
    const names = attachments.map((a) => a.name ?? a.mediaType).join(', ')
    return `Thanks${name ? `, ${name}` : ''}, I received ${attachments.length === 1 ? 'your attachment' : `${attachments.length} attachments`} (${names}). I cannot open files in the sandbox.`
  }
  if (/^(\/?help|\?|what can you do\??)$/.test(lower)) return help(botName)
  if (/^echo\s+/.test(lower)) return text.replace(/^echo\s+/i, '')
  const order = /order\s*#?\s*(\d{1,10})/.exec(lower)
  if (order) {
    const state = ORDER_STATES[Number(order[1]!.slice(-2)) % ORDER_STATES.length]
    return `Order #${order[1]} ${state}. Anything else I can check for you?`
  }
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/.test(lower)) {
    return `Hello${name ? ` ${name}` : ''}! I am the ${botName}. Type "help" to see what I can do.`
  }
  if (/\b(thanks|thank you|cheers)\b/.test(lower)) {
    return 'You are welcome! Is there anything else I can help with?'
  }
  if (/\b(agent|human|person|someone real)\b/.test(lower)) {
    return 'There is no live agent in the sandbox. With a contact-center integration, this is where you would be handed over.'
  }
  if (/^(history|what did i say\??)$/.test(lower)) {
    const count = turn.history.length
    return count === 0
      ? 'This is the first message of our conversation.'
      : `We have exchanged ${count} ${count === 1 ? 'message' : 'messages'} before this one.`
  }
  const note =
    attachments.length > 0
      ? ` (with ${attachments.length} attachment${attachments.length === 1 ? '' : 's'})`
      : ''
  return `You said: "${text}"${note}. Type "help" to see what I can do.`
}

function help(botName: string): string {
  return [
    `I am the ${botName}, a built-in responder for trying cx-bridge without an AI service. I understand:`,
    '- "hello", "thanks"',
    '- "order 1042": the status of an order',
    '- "echo <text>": I repeat the text',
    '- "history": how long we have been talking',
    '- "agent": what a handover would look like',
  ].join('\n')
}

function firstName(displayName: string | undefined): string | undefined {
  const first = displayName?.trim().split(/\s+/)[0]
  return first ? first.slice(0, 40) : undefined
}

/** Splits an answer into at most `count` chunks at word boundaries, keeping every character. */
export function chunksOf(answer: string, count: number): string[] {
  const words = answer.match(/\S+\s*/g) ?? []
  if (words.length === 0) return answer ? [answer] : []
  const lead = answer.slice(0, answer.length - words.join('').length)
  const size = Math.ceil(words.length / count)
  const chunks: string[] = []
  for (let i = 0; i < words.length; i += size) chunks.push(words.slice(i, i + size).join(''))
  chunks[0] = lead + chunks[0]!
  return chunks
}
