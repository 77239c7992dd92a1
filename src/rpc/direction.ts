import { csmsOnlyMessages, stationOnlyMessages } from "../generated/index.js";

/**
 * A side of the connection as handle() sees it: the generated messages only this side sends,
 * per subprotocol, and what its peer is called in the error. Each role module imports its own
 * table only, so the browser client carries the station's list and not the CSMS's.
 */
export interface Role {
  readonly ownMessages: { readonly [protocol: string]: readonly string[] };
  readonly peer: string;
}

/** The charging station (the WebSocket client). */
export const STATION_ROLE: Role = { ownMessages: stationOnlyMessages, peer: "the CSMS" };

/** The CSMS (the server). */
export const CSMS_ROLE: Role = { ownMessages: csmsOnlyMessages, peer: "a station" };

/**
 * Refuses a handler that can never run: a method of the generated OCPP messages that only
 * this side sends, in every subprotocol it may speak (e.g. a station handling
 * BootNotification). Unknown methods and custom subprotocols pass.
 */
export function checkHandlerDirection(
  role: Role | undefined,
  method: string,
  protocols: readonly string[],
): void {
  if (role === undefined || protocols.length === 0) return;
  for (const protocol of protocols) {
    if (!Object.hasOwn(role.ownMessages, protocol)) return;
    if (!role.ownMessages[protocol]!.includes(method)) return;
  }
  throw new TypeError(
    `handle('${method}'): ${method} is never sent by ${role.peer} in ${protocols.join(", ")}; this side sends it`,
  );
}
