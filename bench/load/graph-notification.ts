/** What the load generator needs to write basic Graph change notifications for one subscriber. */
export interface GraphNotificationSpec {
  readonly clientState: string
  readonly tenantId: string
  readonly subscriptionId: string
  /** Notifications are spread over this many chats (lanes in the bridge's queue). */
  readonly chats: number
  /** Makes message ids unique across runs, so nothing is deduplicated. */
  readonly runId: string
}

/**
 * A basic (no resource data) `changeNotificationCollection` with one `created` item, shaped as
 * Graph sends it for a chat message subscription
 * (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage): OData key-form
 * resource, `resourceData` with the message id, the subscriber's clientState. Every call names a
 * different message, so the bridge stores every one (distinct dedupe keys).
 */
export function graphNotificationWriter(spec: GraphNotificationSpec): (n: number) => string {
  const expires = new Date(Date.now() + 3_600_000).toISOString()
  const head = `{"value":[{"subscriptionId":"${spec.subscriptionId}","subscriptionExpirationDateTime":"${expires}","changeType":"created",`
  const tail = `"clientState":"${spec.clientState}","tenantId":"${spec.tenantId}"}]}`
  return (n) => {
    const chatId = `19:bench-${n % spec.chats}-${spec.runId}@thread.v2`
    const messageId = `${spec.runId}${String(n).padStart(9, '0')}`
    const path = `chats('${chatId}')/messages('${messageId}')`
    return `${head}"resource":"${path}","resourceData":{"id":"${messageId}","@odata.type":"#Microsoft.Graph.chatMessage","@odata.id":"${path}"},${tail}`
  }
}
