// WhatsApp has no carrier-level STOP handling for businesses: the platform honours it itself.

const STOP = new Set([
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'optout',
  'opt out',
  'opt-out',
  'arret',
  'arrêt',
  'para',
  'parar',
  'baja',
])
const START = new Set(['start', 'unstop', 'subscribe', 'yes start', 'resume', 'optin', 'opt in', 'opt-in'])

const normalize = (body: string) =>
  body
    .trim()
    .toLowerCase()
    .replace(/[.!¡¿?\s]+$/g, '')
    .replace(/^[.!¡¿?\s]+/g, '')
    .replace(/\s+/g, ' ')

export const isStop = (body: string) => STOP.has(normalize(body))
export const isStart = (body: string) => START.has(normalize(body))

export const OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will not receive any more messages from us. Reply START to subscribe again.'
export const OPT_IN_CONFIRMATION = 'Welcome back! You are subscribed again. How can we help?'
