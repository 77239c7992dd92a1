import { describe, expectTypeOf, it } from "vitest";
import type {
  OCPP16,
  OCPP16CsmsMethods,
  OCPP16Methods,
  OCPP16StationMethods,
  OCPP201,
  OCPP21,
  OCPP21Methods,
  OCPP21SendMethods,
  OCPP21StationMethods,
  OCPP21StationSendMethods,
  OCPPProtocolMethods,
} from "../../src/generated/index.js";
import { ocpp16Directions, protocolDirections } from "../../src/generated/index.js";

/** true when T has a string index signature (accepts properties the schema does not name). */
type IsOpen<T> = string extends keyof T ? true : false;

describe("generated message types", () => {
  it("require what the schema requires", () => {
    expectTypeOf<OCPP16.BootNotificationRequest["chargePointVendor"]>().toEqualTypeOf<string>();
    expectTypeOf<{ chargePointModel: string }>().not.toExtend<OCPP16.BootNotificationRequest>();
    expectTypeOf<{
      chargePointVendor: string;
      chargePointModel: string;
    }>().toExtend<OCPP16.BootNotificationRequest>();
    expectTypeOf<
      OCPP201.BootNotificationRequest["reason"]
    >().toEqualTypeOf<OCPP201.BootReasonEnumType>();
  });

  it("keep enums as string literal unions", () => {
    expectTypeOf<OCPP16.BootNotificationResponse["status"]>().toEqualTypeOf<
      "Accepted" | "Pending" | "Rejected"
    >();
  });

  it("stay closed where the schema says additionalProperties: false", () => {
    expectTypeOf<IsOpen<OCPP16.BootNotificationRequest>>().toEqualTypeOf<false>();
    expectTypeOf<IsOpen<OCPP21.TransactionEventRequest>>().toEqualTypeOf<false>();
    // CustomDataType is open by design in the OCA schemas.
    expectTypeOf<IsOpen<OCPP201.CustomDataType>>().toEqualTypeOf<true>();
    const boot: OCPP16.BootNotificationRequest = {
      chargePointVendor: "V",
      chargePointModel: "M",
      // @ts-expect-error an unknown field is not allowed
      colour: "red",
    };
    expectTypeOf(boot).toEqualTypeOf<OCPP16.BootNotificationRequest>();
  });

  it("type an empty closed schema as an object without properties", () => {
    expectTypeOf<Record<never, never>>().toExtend<OCPP16.HeartbeatRequest>();
    expectTypeOf<{ a: 1 }>().not.toExtend<OCPP16.HeartbeatRequest>();
  });

  it("use plain arrays for minItems/maxItems", () => {
    expectTypeOf<OCPP201.SetVariablesRequest["setVariableData"]>().toEqualTypeOf<
      OCPP201.SetVariableDataType[]
    >();
  });
});

describe("generated method maps", () => {
  it("map each method to its request and response", () => {
    expectTypeOf<OCPP16Methods["BootNotification"]>().toEqualTypeOf<{
      request: OCPP16.BootNotificationRequest;
      response: OCPP16.BootNotificationResponse;
    }>();
    expectTypeOf<OCPPProtocolMethods["ocpp2.1"]>().toEqualTypeOf<OCPP21Methods>();
  });

  it("split methods by the side that may send them", () => {
    expectTypeOf<"BootNotification">().toExtend<OCPP16StationMethods>();
    expectTypeOf<"BootNotification">().not.toExtend<OCPP16CsmsMethods>();
    expectTypeOf<"Reset">().toExtend<OCPP16CsmsMethods>();
    expectTypeOf<"Reset">().not.toExtend<OCPP16StationMethods>();
    expectTypeOf<"DataTransfer">().toExtend<OCPP16StationMethods & OCPP16CsmsMethods>();
    expectTypeOf(ocpp16Directions.BootNotification).toEqualTypeOf<"station">();
    expectTypeOf(protocolDirections["ocpp2.0.1"].Reset).toEqualTypeOf<"csms">();
  });

  it("keep the 2.1 SEND message out of the CALL map", () => {
    expectTypeOf<"NotifyPeriodicEventStream">().not.toExtend<keyof OCPP21Methods>();
    expectTypeOf<"NotifyPeriodicEventStream">().not.toExtend<OCPP21StationMethods>();
    expectTypeOf<OCPP21StationSendMethods>().toEqualTypeOf<"NotifyPeriodicEventStream">();
    expectTypeOf<
      OCPP21SendMethods["NotifyPeriodicEventStream"]["request"]
    >().toEqualTypeOf<OCPP21.NotifyPeriodicEventStreamRequest>();
  });
});
