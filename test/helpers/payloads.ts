/** OCPP payloads that tests of several layers share. */

/**
 * An OCPP 1.6 SetChargingProfile request with one schedule period of `limit` (the schema has
 * `multipleOf: 0.1` on it: the floating-point tolerance cases).
 */
export function setChargingProfile16(limit: number): object {
  return {
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: {
        chargingRateUnit: "W",
        chargingSchedulePeriod: [{ startPeriod: 0, limit }],
      },
    },
  };
}
