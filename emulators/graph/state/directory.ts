import type { GraphUserSeed } from '../types.ts'

export interface DirectoryUser {
  readonly id: string
  readonly displayName: string
  readonly userPrincipalName: string
  readonly mail: string
  readonly jobTitle: string | null
}

/** Users of the emulated tenant, found by object id or by UPN (case-insensitive, as Graph does). */
export class Directory {
  readonly #byId = new Map<string, DirectoryUser>()

  add(seed: GraphUserSeed): DirectoryUser {
    const upn = seed.userPrincipalName ?? seed.upn
    if (!seed.id || !seed.displayName || !upn) {
      throw new Error('a user needs id, displayName and userPrincipalName (or upn)')
    }
    const user: DirectoryUser = {
      id: seed.id,
      displayName: seed.displayName,
      userPrincipalName: upn,
      mail: seed.mail ?? upn,
      jobTitle: seed.jobTitle ?? null,
    }
    this.#byId.set(user.id, user)
    return user
  }

  find(idOrUpn: string): DirectoryUser | undefined {
    const direct = this.#byId.get(idOrUpn)
    if (direct) return direct
    const wanted = idOrUpn.toLowerCase()
    for (const user of this.#byId.values()) {
      if (user.userPrincipalName.toLowerCase() === wanted) return user
    }
    return undefined
  }

  list(): DirectoryUser[] {
    return [...this.#byId.values()]
  }
}

/** The user resource as `GET /users/{id}` returns it (default property set). */
export function userJson(user: DirectoryUser): Record<string, unknown> {
  const [givenName = null, ...rest] = user.displayName.split(' ')
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.length > 0 ? rest.join(' ') : null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  }
}
