/** 2.0.1 MeterValues requests of a chosen size, as stations send them after an outage. */
export function meterValues(samples: number, evseId: unknown = 1): Record<string, unknown> {
  const meterValue = [];
  for (let i = 0; i < samples; i++) {
    meterValue.push({
      timestamp: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
      sampledValue: [
        { value: 230 + (i % 7), measurand: "Voltage", phase: "L1-N", context: "Sample.Periodic" },
        { value: 16.5, measurand: "Current.Import", phase: "L1", context: "Sample.Periodic" },
        { value: 1000 + i, measurand: "Energy.Active.Import.Register", context: "Sample.Periodic" },
      ],
    });
  }
  return { evseId, meterValue };
}

/** A CALL frame of MeterValues with about `bytes` bytes (at least). */
export function bigMeterValuesCall(id: string, bytes: number, evseId: unknown = 1): string {
  let samples = Math.ceil(bytes / 330);
  let text = JSON.stringify([2, id, "MeterValues", meterValues(samples, evseId)]);
  while (text.length < bytes) {
    samples += 10;
    text = JSON.stringify([2, id, "MeterValues", meterValues(samples, evseId)]);
  }
  return text;
}
