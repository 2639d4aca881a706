export { createOpenAiResponder } from './responder.ts'
export { type OpenAiResponderSettings, openAiResponderSettings } from './settings.ts'
