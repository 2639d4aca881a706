import type { ChatType, GraphChatSeed, GraphTeamSeed } from '../types.ts'
import { channelIdNew, chatIdFor, newGuid } from './ids.ts'

export interface Chat {
  readonly id: string
  readonly chatType: ChatType
  readonly topic: string | null
  readonly createdDateTime: string
  lastUpdatedDateTime: string
  readonly memberIds: string[]
}

export interface Channel {
  readonly id: string
  readonly displayName: string
  readonly createdDateTime: string
}

export interface Team {
  readonly id: string
  readonly displayName: string
  readonly memberIds: string[]
  readonly channels: Map<string, Channel>
}

/** Chats, teams and channels: the containers messages live in. */
export class Conversations {
  readonly chats = new Map<string, Chat>()
  readonly teams = new Map<string, Team>()

  addChat(seed: GraphChatSeed, now: Date): Chat {
    const chatType = seed.chatType ?? (seed.memberIds.length === 2 ? 'oneOnOne' : 'group')
    if (chatType === 'oneOnOne' && seed.memberIds.length !== 2) {
      throw new Error('a oneOnOne chat has exactly two members')
    }
    const chat: Chat = {
      id: seed.id ?? chatIdFor(chatType, seed.memberIds),
      chatType,
      topic: seed.topic ?? null,
      createdDateTime: now.toISOString(),
      lastUpdatedDateTime: now.toISOString(),
      memberIds: [...seed.memberIds],
    }
    this.chats.set(chat.id, chat)
    return chat
  }

  addTeam(seed: GraphTeamSeed, now: Date): Team {
    const team: Team = {
      id: seed.id ?? newGuid(),
      displayName: seed.displayName,
      memberIds: [...(seed.memberIds ?? [])],
      channels: new Map(),
    }
    // Every team has a General channel; seeds may name more.
    const channels = seed.channels ?? [{ displayName: 'General' }]
    for (const channel of channels) {
      const id = channel.id ?? channelIdNew()
      team.channels.set(id, {
        id,
        displayName: channel.displayName,
        createdDateTime: now.toISOString(),
      })
    }
    this.teams.set(team.id, team)
    return team
  }

  chatsOf(userId: string): Chat[] {
    return [...this.chats.values()].filter((chat) => chat.memberIds.includes(userId))
  }
}
