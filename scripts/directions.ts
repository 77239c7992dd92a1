/**
 * Which side may initiate each OCPP message. The OCA JSON schemas do not carry this, so it is
 * written here by hand from the specifications and checked by `scripts/generate.ts`: a schema
 * method without an entry, or an entry without a schema, fails the generator.
 *
 * - "station": the charging station (WebSocket client) sends the request, the CSMS answers.
 * - "csms": the CSMS / central system (WebSocket server) sends the request.
 * - "both": either side may send it (only DataTransfer, in every version).
 */
export type Direction = "station" | "csms" | "both";

/**
 * OCPP 1.6 edition 2 (§4 "Operations initiated by Charge Point", §5 "Operations initiated by
 * Central System") plus the "Improved security for OCPP 1.6-J" whitepaper (edition 3, §5).
 */
const ocpp16: Record<string, Direction> = {
  // Core / profiles, charge point → central system (1.6 §4)
  Authorize: "station",
  BootNotification: "station",
  DiagnosticsStatusNotification: "station",
  FirmwareStatusNotification: "station",
  Heartbeat: "station",
  MeterValues: "station",
  StartTransaction: "station",
  StatusNotification: "station",
  StopTransaction: "station",
  // Security whitepaper, charge point → central system
  LogStatusNotification: "station",
  SecurityEventNotification: "station",
  SignCertificate: "station",
  SignedFirmwareStatusNotification: "station",
  // Either side (1.6 §4.3 and §5.6)
  DataTransfer: "both",
  // Core / profiles, central system → charge point (1.6 §5)
  CancelReservation: "csms",
  ChangeAvailability: "csms",
  ChangeConfiguration: "csms",
  ClearCache: "csms",
  ClearChargingProfile: "csms",
  GetCompositeSchedule: "csms",
  GetConfiguration: "csms",
  GetDiagnostics: "csms",
  GetLocalListVersion: "csms",
  RemoteStartTransaction: "csms",
  RemoteStopTransaction: "csms",
  ReserveNow: "csms",
  Reset: "csms",
  SendLocalList: "csms",
  SetChargingProfile: "csms",
  TriggerMessage: "csms",
  UnlockConnector: "csms",
  UpdateFirmware: "csms",
  // Security whitepaper, central system → charge point
  CertificateSigned: "csms",
  DeleteCertificate: "csms",
  ExtendedTriggerMessage: "csms",
  GetInstalledCertificateIds: "csms",
  GetLog: "csms",
  InstallCertificate: "csms",
  SignedUpdateFirmware: "csms",
};

/** OCPP 2.0.1 Part 2; comments name the functional block each message belongs to. */
const ocpp201: Record<string, Direction> = {
  // Charging station → CSMS
  Authorize: "station", // Authorization
  BootNotification: "station", // Provisioning
  ClearedChargingLimit: "station", // SmartCharging
  FirmwareStatusNotification: "station", // FirmwareManagement
  Get15118EVCertificate: "station", // ISO15118CertificateManagement
  GetCertificateStatus: "station", // ISO15118CertificateManagement
  Heartbeat: "station", // Availability
  LogStatusNotification: "station", // Diagnostics
  MeterValues: "station", // MeterValues
  NotifyChargingLimit: "station", // SmartCharging
  NotifyCustomerInformation: "station", // Diagnostics
  NotifyDisplayMessages: "station", // DisplayMessage
  NotifyEVChargingNeeds: "station", // SmartCharging
  NotifyEVChargingSchedule: "station", // SmartCharging
  NotifyEvent: "station", // Diagnostics
  NotifyMonitoringReport: "station", // Diagnostics
  NotifyReport: "station", // Provisioning
  PublishFirmwareStatusNotification: "station", // FirmwareManagement, local controller → CSMS
  ReportChargingProfiles: "station", // SmartCharging
  ReservationStatusUpdate: "station", // Reservation
  SecurityEventNotification: "station", // Security
  SignCertificate: "station", // Security
  StatusNotification: "station", // Availability
  TransactionEvent: "station", // Transactions
  // Either side
  DataTransfer: "both", // DataTransfer
  // CSMS → charging station
  CancelReservation: "csms", // Reservation
  CertificateSigned: "csms", // Security
  ChangeAvailability: "csms", // Availability
  ClearCache: "csms", // Authorization
  ClearChargingProfile: "csms", // SmartCharging
  ClearDisplayMessage: "csms", // DisplayMessage
  ClearVariableMonitoring: "csms", // Diagnostics
  CostUpdated: "csms", // TariffAndCost
  CustomerInformation: "csms", // Diagnostics
  DeleteCertificate: "csms", // ISO15118CertificateManagement
  GetBaseReport: "csms", // Provisioning
  GetChargingProfiles: "csms", // SmartCharging
  GetCompositeSchedule: "csms", // SmartCharging
  GetDisplayMessages: "csms", // DisplayMessage
  GetInstalledCertificateIds: "csms", // ISO15118CertificateManagement
  GetLocalListVersion: "csms", // LocalAuthorizationListManagement
  GetLog: "csms", // Diagnostics
  GetMonitoringReport: "csms", // Diagnostics
  GetReport: "csms", // Provisioning
  GetTransactionStatus: "csms", // Transactions
  GetVariables: "csms", // Provisioning
  InstallCertificate: "csms", // ISO15118CertificateManagement
  PublishFirmware: "csms", // FirmwareManagement, CSMS → local controller
  RequestStartTransaction: "csms", // RemoteControl
  RequestStopTransaction: "csms", // RemoteControl
  ReserveNow: "csms", // Reservation
  Reset: "csms", // Provisioning
  SendLocalList: "csms", // LocalAuthorizationListManagement
  SetChargingProfile: "csms", // SmartCharging
  SetDisplayMessage: "csms", // DisplayMessage
  SetMonitoringBase: "csms", // Diagnostics
  SetMonitoringLevel: "csms", // Diagnostics
  SetNetworkProfile: "csms", // Provisioning
  SetVariableMonitoring: "csms", // Diagnostics
  SetVariables: "csms", // Provisioning
  TriggerMessage: "csms", // RemoteControl
  UnlockConnector: "csms", // RemoteControl
  UnpublishFirmware: "csms", // FirmwareManagement
  UpdateFirmware: "csms", // FirmwareManagement
};

/**
 * OCPP 2.1 edition 1: every 2.0.1 message keeps its sender, plus the messages new in 2.1.
 * NotifyPeriodicEventStream is the only SEND (OCPP-J 2.1 message type 6, never answered) and is
 * sent by the charging station.
 */
const ocpp21: Record<string, Direction> = {
  ...ocpp201,
  // New in 2.1, charging station → CSMS
  BatterySwap: "station", // BatterySwap: batteries taken out / put in
  ClosePeriodicEventStream: "station", // Diagnostics, periodic event streams
  GetCertificateChainStatus: "station", // Security: revocation status of a whole chain
  NotifyDERAlarm: "station", // DERControl
  NotifyDERStartStop: "station", // DERControl
  NotifyPeriodicEventStream: "station", // Diagnostics, periodic event streams; SEND only
  NotifyPriorityCharging: "station", // SmartCharging, priority charging
  NotifySettlement: "station", // Payment: payment terminal settlement
  OpenPeriodicEventStream: "station", // Diagnostics, periodic event streams
  PullDynamicScheduleUpdate: "station", // SmartCharging, dynamic charging profiles
  ReportDERControl: "station", // DERControl, answers GetDERControl in parts
  VatNumberValidation: "station", // Payment: VAT number entered at the station
  // New in 2.1, CSMS → charging station
  AdjustPeriodicEventStream: "csms", // Diagnostics, periodic event streams
  AFRRSignal: "csms", // BidirectionalPowerTransfer, aFRR
  ChangeTransactionTariff: "csms", // TariffAndCost
  ClearDERControl: "csms", // DERControl
  ClearTariffs: "csms", // TariffAndCost
  GetDERControl: "csms", // DERControl
  GetPeriodicEventStream: "csms", // Diagnostics, periodic event streams
  GetTariffs: "csms", // TariffAndCost
  NotifyAllowedEnergyTransfer: "csms", // BidirectionalPowerTransfer, allowed energy transfer modes
  NotifyWebPaymentStarted: "csms", // Payment: web/QR-code payment started for an EVSE
  RequestBatterySwap: "csms", // BatterySwap
  SetDefaultTariff: "csms", // TariffAndCost
  SetDERControl: "csms", // DERControl
  UpdateDynamicSchedule: "csms", // SmartCharging, dynamic charging profiles
  UsePriorityCharging: "csms", // SmartCharging, priority charging
};

export const DIRECTIONS: Readonly<
  Record<"ocpp1.6" | "ocpp2.0.1" | "ocpp2.1", Readonly<Record<string, Direction>>>
> = {
  "ocpp1.6": ocpp16,
  "ocpp2.0.1": ocpp201,
  "ocpp2.1": ocpp21,
};
