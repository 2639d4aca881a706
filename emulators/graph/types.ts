import type { IdentityEmulator } from '../microsoft-identity/index.ts'

/** What the Graph emulator needs from the identity emulator: token checks and JWT signing. */
export type GraphIdentity = Pick<IdentityEmulator, 'verifyAccessToken' | 'signJwt'>

/** The caller behind a bearer token. `userId` is present only for delegated (user) tokens. */
export type GraphPrincipal = Awaited<ReturnType<IdentityEmulator['verifyAccessToken']>>

export interface GraphUserSeed {
  id: string
  displayName: string
  /** `upn` is accepted too, so identity-emulator users can be passed as they are. */
  userPrincipalName?: string
  upn?: string
  mail?: string
  jobTitle?: string
}

export type ChatType = 'oneOnOne' | 'group' | 'meeting'

export interface GraphChatSeed {
  /** Defaults to the id Teams would use: `19:{a}_{b}@unq.gbl.spaces` for 1:1, else `19:{hex}@thread.v2`. */
  id?: string
  chatType?: ChatType
  topic?: string | null
  memberIds: string[]
}

export interface GraphTeamSeed {
  id?: string
  displayName: string
  memberIds?: string[]
  channels?: Array<{ id?: string; displayName: string }>
}

export type Availability =
  | 'Available'
  | 'AvailableIdle'
  | 'Away'
  | 'BeRightBack'
  | 'Busy'
  | 'BusyIdle'
  | 'DoNotDisturb'
  | 'Offline'
  | 'PresenceUnknown'
