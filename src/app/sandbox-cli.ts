import { createInterface } from 'node:readline'

import type { Logger } from '../core/ports/logger.ts'
import { stopOnSignals } from './commands.ts'
import type { Config } from './config.ts'
import { type Sandbox, startSandbox } from './sandbox.ts'

const PORTS = { identity: 3979, graph: 3980, botframework: 3981, genesys: 3982 }

/** `cx-bridge sandbox`: everything in one process, a console to talk through it. */
export async function runSandbox(config: Config, log: Logger): Promise<void> {
  const sandbox = await startSandbox({
    config,
    log,
    emulatorPorts: config.http.port === 0 ? {} : PORTS,
  })
  sandbox.addDemoAiBot()
  stopOnSignals(log, () => sandbox.close())
  process.stdout.write(instructions(sandbox))
  watch(sandbox)
  readConsole(sandbox)
}

function instructions(s: Sandbox): string {
  const { demo } = s
  return `
cx-bridge sandbox is running
  bridge          ${s.bridge.url}   (API docs ${s.bridge.url}/docs, metrics ${s.bridge.url}/metrics)
  identity        ${s.identity.url}
  Graph           ${s.graph.url}
  Bot Framework   ${s.botframework.url}
  Genesys Cloud   ${s.genesys.url}

Demo: ${demo.customer.displayName} <${demo.customer.upn}> writes in a Teams chat (${demo.chatId})
with ${demo.serviceAccount.displayName}; Genesys agent ${demo.genesys.agent.name} answers.

Type a line to send it as the customer in Teams; "/agent <text>" answers as the agent;
"/bot <text>" writes to the support bot instead; "/typing" shows the agent typing;
"/ai <text>" talks to the demo AI bot (${demo.integrations.aiBot}, built-in responder; "/ai ///reset" starts over).
Admin API key of the demo account: ${demo.account.key}
From another terminal:
  curl -s -XPOST ${s.genesys.url}/_emulator/agent/messages -H 'content-type: application/json' \\
    -d '{"integrationId":"${demo.genesys.integrationId}","toId":"<from.id shown below>","text":"Hello from Genesys"}'
  curl -s ${s.genesys.url}/_emulator/received | head -c 600
`
}

function readConsole(s: Sandbox): void {
  const rl = createInterface({ input: process.stdin })
  let lastCustomerId: string | undefined
  rl.on('line', (line) => {
    const text = line.trim()
    if (!text) return
    void (async () => {
      lastCustomerId = s.genesys.control.received().at(-1)?.from.id ?? lastCustomerId
      if (text.startsWith('/agent ') || text === '/typing') {
        if (!lastCustomerId)
          return print('nobody has written yet: say something as the customer first')
        const target = { integrationId: s.demo.genesys.integrationId, toId: lastCustomerId }
        if (text === '/typing') await s.genesys.control.agentTyping(target)
        else await s.genesys.control.agentSends({ ...target, text: text.slice(7) })
      } else if (text.startsWith('/bot ') || text.startsWith('/ai ')) {
        const ai = text.startsWith('/ai ')
        await s.botframework.control.userSends({
          user: {
            id: `29:${s.demo.customer.id}`,
            aadObjectId: s.demo.customer.id,
            name: s.demo.customer.displayName,
            tenantId: s.demo.tenantId,
            userPrincipalName: s.demo.customer.upn,
          },
          text: text.slice(ai ? 4 : 5),
          botAppId: ai ? s.demo.aiBotApp.appId : s.demo.botApp.appId,
        })
      } else {
        s.graph.control.userSends({ chatId: s.demo.chatId, userId: s.demo.customer.id, text })
      }
    })().catch((error: unknown) =>
      print(`failed: ${error instanceof Error ? error.message : String(error)}`),
    )
  })
}

/** Prints what reaches each side, as it happens. */
function watch(s: Sandbox): void {
  let genesysSeen = 0
  let teamsSeen = new Set<string>()
  let botSeen = 0
  setInterval(() => {
    const received = s.genesys.control.received()
    for (const m of received.slice(genesysSeen)) {
      print(
        `Genesys  ◄ ${m.from.firstName ?? ''} ${m.from.lastName ?? ''} (from.id ${m.from.id}): ${m.text ?? ''}${m.content.length ? ` [+${m.content.length} attachment]` : ''}`,
      )
    }
    genesysSeen = received.length
    for (const m of s.graph.control.messages(s.demo.chatId)) {
      if (teamsSeen.has(m.id)) continue
      teamsSeen = new Set(teamsSeen).add(m.id)
      const who = m.from?.user?.displayName ?? m.from?.application?.displayName ?? 'system'
      if (who !== s.demo.customer.displayName)
        print(`Teams    ◄ ${who}: ${m.body.content.replace(/<[^>]+>/g, '')}`)
    }
    const sent = s.botframework.control.sent()
    for (const a of sent.slice(botSeen)) {
      const activity = a.activity as { type?: string; text?: string }
      const who = a.botAppId === s.demo.aiBotApp.appId ? 'Teams AI bot' : 'Teams bot'
      // Stream updates are shown by Teams as the message growing: print the final only.
      if (a.operation === 'stream' && activity.type !== 'message') continue
      const typing = activity.type === 'typing' && !activity.text
      print(`${who} ◄ ${typing ? '(typing…)' : (activity.text ?? '')}`)
    }
    botSeen = sent.length
  }, 250).unref()
}

const print = (line: string) => process.stdout.write(`${line}\n`)
