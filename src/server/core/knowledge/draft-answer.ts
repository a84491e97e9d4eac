/**
 * The answer of an FAQ drafted from unanswered questions that no person answered (core/unanswered):
 * an FAQ needs an answer, and this one says plainly that it is still to be written. Training leaves
 * such an FAQ out, so customers never receive this text; the owner writes the answer, then retrains.
 */
export const FAQ_ANSWER_PLACEHOLDER =
  'TO WRITE: the answer to this question (drafted from unanswered customer questions; edit it before retraining).'
