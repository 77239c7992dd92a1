/**
 * OCPP-J message type numbers (OCPP-J 1.6 §4.1.3, OCPP 2.1 Part 4 §4.1.3 Table 3).
 * CALLRESULTERROR and SEND exist only in OCPP 2.1.
 */
export const MessageType = {
  CALL: 2,
  CALLRESULT: 3,
  CALLERROR: 4,
  CALLRESULTERROR: 5,
  SEND: 6,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];
