/** OCPP 2.0.1 MeterValues frames of a chosen size, for the workerThreads tests and bench. */
export function meterValues(id: string, samples: number, value: unknown = 1234.5): string {
  const sampledValue = Array.from({ length: samples }, (_, i) => ({
    value: i === samples - 1 ? value : 1000 + i,
    measurand: "Energy.Active.Import.Register",
    unitOfMeasure: { unit: "Wh" },
  }));
  return JSON.stringify([
    2,
    id,
    "MeterValues",
    { evseId: 1, meterValue: [{ timestamp: "2026-12-03T07:00:00.000Z", sampledValue }] },
  ]);
}

export const heartbeat = (id: string) => JSON.stringify([2, id, "Heartbeat", {}]);
