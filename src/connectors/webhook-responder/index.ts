export { createWebhookResponder } from './responder.ts'
export { type WebhookResponderSettings, webhookResponderSettings } from './settings.ts'
export {
  SIGNATURE_HEADER,
  signTurn,
  TIMESTAMP_HEADER,
  TURN_ID_HEADER,
  verifyTurnSignature,
} from './signature.ts'
