/**
 * System presence definitions. The ids recur identically across unrelated orgs (terraform provider
 * capture, presence blueprint `MsTeamsPresenceMappings.csv`), so they are global. REST answers the
 * display form of `systemPresence` ("On Queue"), notifications use the enum form (ON_QUEUE).
 * (research/protocols-genesys.md §6.2)
 */
export interface PresenceDefinition {
  readonly id: string
  readonly systemPresence: string
}

export const SYSTEM_PRESENCES: readonly PresenceDefinition[] = [
  { id: '6a3af858-942f-489d-9700-5f9bcdcdae9b', systemPresence: 'Available' },
  { id: '31fe3bac-dea6-44b7-bed7-47f91660a1a0', systemPresence: 'Busy' },
  { id: '5e5c5c66-ea97-4e7f-ac41-6424784829f2', systemPresence: 'Away' },
  { id: '7ffa01cd-7866-4ad7-8faa-31e11b42f51f', systemPresence: 'Idle' },
  { id: 'bbdff279-7ae1-48ea-bade-7831d7234c64', systemPresence: 'Meeting' },
  { id: '3fd96123-badb-4f69-bc03-1b1ccc6d8014', systemPresence: 'Meal' },
  { id: 'd2390a99-8546-bad9-8f0a-219548e8aeb0', systemPresence: 'Training' },
  { id: 'e08eaf1b-ee47-4fa9-a231-1200e284798f', systemPresence: 'On Queue' },
  { id: '227b37e2-f1d0-4dd0-8f50-badd7cf6d158', systemPresence: 'Break' },
  { id: 'ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5', systemPresence: 'Offline' },
]

export const OFFLINE_PRESENCE_ID = 'ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5'

export function presenceDefinition(id: string): PresenceDefinition | undefined {
  return SYSTEM_PRESENCES.find((p) => p.id === id)
}
