/** Who wrote something, as far as the bridge knows. All fields are remote data: never trusted as markup. */
export interface Participant {
  readonly role: 'customer' | 'agent' | 'bot'
  readonly displayName: string
  /** Entra tenant id of a Teams user. */
  readonly tenantId?: string
  /** Entra (AAD) object id of a Teams user. */
  readonly aadObjectId?: string
  readonly upn?: string
  readonly email?: string
  /** The id the remote system uses for this participant (Teams user id, Genesys agent id). */
  readonly remoteId?: string
}

/** How a customer appears to the backend (Open Messaging from.id etc.). */
export interface BackendIdentity {
  readonly id: string
  readonly idType: string
  readonly firstName?: string
  readonly lastName?: string
  readonly nickname?: string
  /** Passed to the backend so routing or a CRM lookup can use it. */
  readonly customAttributes: Readonly<Record<string, string>>
}
