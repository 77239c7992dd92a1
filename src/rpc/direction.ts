import { protocolDirections, type GeneratedProtocol } from "../generated/index.js";

/** The side of the connection: the charging station (client) or the CSMS (server). */
export type Role = "station" | "csms";

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
    if (!Object.hasOwn(protocolDirections, protocol)) return;
    const directions = protocolDirections[protocol as GeneratedProtocol] as Record<string, string>;
    const sender = directions[method];
    if (sender === undefined || sender === "both" || sender !== role) return;
  }
  const peer = role === "station" ? "the CSMS" : "a station";
  throw new TypeError(
    `handle('${method}'): ${method} is never sent by ${peer} in ${protocols.join(", ")}; this side sends it`,
  );
}
