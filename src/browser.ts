// The `ocpp-ws-io/browser` entry: no Node built-ins, no `ws`, and no ajv or schemas until strict
// mode (or loadValidator) asks for them. test/browser/bundle.test.ts checks both.
export * from "./platform-neutral.js";
export { BrowserOCPPClient, type BrowserClientOptions } from "./browser/browser-client.js";
