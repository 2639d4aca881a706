export { createBuiltinResponder } from './responder.ts'
export { type BuiltinResponderSettings, builtinResponderSettings } from './settings.ts'
