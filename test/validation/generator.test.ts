import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DIRECTIONS } from "../../scripts/directions.js";
import {
  checkSchemas,
  GenerateError,
  PROTOCOLS,
  readSchemas,
  type ProtocolSpec,
} from "../../scripts/generate.js";
import {
  ocpp16Directions,
  ocpp201Directions,
  ocpp21Directions,
  protocolDirections,
  protocolSchemaLoaders,
} from "../../src/generated/index.js";
import { parseSchemaId } from "../../src/validation/schema-id.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

const protocolSchemas = {
  "ocpp1.6": await protocolSchemaLoaders["ocpp1.6"](),
  "ocpp2.0.1": await protocolSchemaLoaders["ocpp2.0.1"](),
  "ocpp2.1": await protocolSchemaLoaders["ocpp2.1"](),
};

function specOf(protocol: ProtocolSpec["protocol"]): ProtocolSpec {
  const spec = PROTOCOLS.find((p) => p.protocol === protocol);
  if (!spec) throw new Error(`no spec for ${protocol}`);
  return spec;
}

describe("scripts/generate.ts", () => {
  it("runs to completion and reports the counts it found", async () => {
    const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
    const { stdout } = await promisify(execFile)(tsx, ["scripts/generate.ts"], { cwd: ROOT });
    expect(stdout).toContain("ocpp1.6: 39 request/response pairs, 78 schemas");
    expect(stdout).toContain("ocpp2.0.1: 64 request/response pairs, 128 schemas");
    expect(stdout).toContain("ocpp2.1: 90 request/response pairs + 1 SEND-only, 181 schemas");
  }, 60_000);

  it("fails when a schema method has no direction", async () => {
    const spec = specOf("ocpp1.6");
    const { source, methods } = await readSchemas(spec);
    const { Heartbeat: _dropped, ...directions } = DIRECTIONS["ocpp1.6"];
    expect(() => checkSchemas(spec, source, methods, directions)).toThrow(
      /ocpp1\.6 has no direction for Heartbeat/,
    );
  });

  it("fails when a direction has no schema", async () => {
    const spec = specOf("ocpp2.0.1");
    const { source, methods } = await readSchemas(spec);
    const directions = { ...DIRECTIONS["ocpp2.0.1"], MadeUp: "csms" as const };
    expect(() => checkSchemas(spec, source, methods, directions)).toThrow(
      /lists MadeUp, which have no schema/,
    );
  });

  it("fails when the number of request/response pairs changes", async () => {
    const spec = specOf("ocpp2.1");
    const { source, methods } = await readSchemas(spec);
    methods.delete("Heartbeat");
    const directions = { ...DIRECTIONS["ocpp2.1"] };
    delete directions.Heartbeat;
    expect(() => checkSchemas(spec, source, methods, directions)).toThrow(GenerateError);
    expect(() => checkSchemas(spec, source, methods, directions)).toThrow(
      /expected 90 request\/response pairs, found 89/,
    );
  });

  it("fails when DataTransfer is not 'both'", async () => {
    const spec = specOf("ocpp1.6");
    const { source, methods } = await readSchemas(spec);
    const directions = { ...DIRECTIONS["ocpp1.6"], DataTransfer: "station" as const };
    expect(() => checkSchemas(spec, source, methods, directions)).toThrow(/DataTransfer must be/);
  });
});

describe("src/generated", () => {
  it("has a direction for every method and a method for every direction", () => {
    expect(Object.keys(ocpp16Directions)).toHaveLength(39);
    expect(Object.keys(ocpp201Directions)).toHaveLength(64);
    expect(Object.keys(ocpp21Directions)).toHaveLength(91);
    for (const [protocol, schemas] of Object.entries(protocolSchemas)) {
      const directions = protocolDirections[protocol as keyof typeof protocolDirections];
      const requests = new Set<string>();
      const responses = new Set<string>();
      for (const schema of schemas) {
        const target = parseSchemaId(schema.$id);
        expect(target, schema.$id).toBeDefined();
        (target!.kind === "request" ? requests : responses).add(target!.method);
      }
      expect([...requests].sort()).toEqual(Object.keys(directions).sort());
      const sendOnly = [...requests].filter((m) => !responses.has(m));
      expect(sendOnly).toEqual(protocol === "ocpp2.1" ? ["NotifyPeriodicEventStream"] : []);
      for (const d of Object.values(directions)) expect(["station", "csms", "both"]).toContain(d);
    }
  });

  it("uses one $id style per protocol file", () => {
    expect(protocolSchemas["ocpp1.6"].every((s) => /\.(req|conf)$/.test(s.$id))).toBe(true);
    expect(protocolSchemas["ocpp2.0.1"].every((s) => /\.(req|conf)$/.test(s.$id))).toBe(true);
    expect(protocolSchemas["ocpp2.1"].every((s) => /(Request|Response)$/.test(s.$id))).toBe(true);
  });

  it("marks DataTransfer as 'both' and the 1.6 security messages by sender", () => {
    for (const directions of Object.values(protocolDirections)) {
      expect(directions.DataTransfer).toBe("both");
    }
    for (const m of [
      "SignCertificate",
      "SecurityEventNotification",
      "SignedFirmwareStatusNotification",
      "LogStatusNotification",
      "BootNotification",
    ] as const) {
      expect(ocpp16Directions[m], m).toBe("station");
    }
    for (const m of [
      "CertificateSigned",
      "DeleteCertificate",
      "ExtendedTriggerMessage",
      "GetInstalledCertificateIds",
      "GetLog",
      "InstallCertificate",
      "SignedUpdateFirmware",
      "Reset",
    ] as const) {
      expect(ocpp16Directions[m], m).toBe("csms");
    }
    expect(ocpp21Directions.NotifyPeriodicEventStream).toBe("station");
    expect(ocpp21Directions.PullDynamicScheduleUpdate).toBe("station");
    expect(ocpp21Directions.NotifyAllowedEnergyTransfer).toBe("csms");
    expect(ocpp21Directions.SetDERControl).toBe("csms");
    expect(ocpp21Directions.BatterySwap).toBe("station");
  });

  it("keeps 2.0.1 directions unchanged in 2.1", () => {
    for (const [method, direction] of Object.entries(ocpp201Directions)) {
      expect(ocpp21Directions[method as keyof typeof ocpp21Directions], method).toBe(direction);
    }
  });

  it("drops documentation keywords from the runtime schemas but keeps properties named so", () => {
    const json = JSON.stringify(protocolSchemas["ocpp2.1"]);
    expect(json).not.toContain('"javaType"');
    expect(json).not.toContain('"comment"');
    expect(json).not.toMatch(/"description":"/);
    // 2.1 has fields called "description" (e.g. in tariffs); they are properties, not annotations.
    expect(json).toMatch(/"description":\{/);
  });

  it("starts every generated file with a header naming the package, version and command", async () => {
    for (const file of ["index.ts", "json-schema.ts", "ocpp1_6.ts", "ocpp2_0_1.ts", "ocpp2_1.ts"]) {
      const text = await readFile(path.join(ROOT, "src", "generated", file), "utf8");
      const head = text.slice(0, 300);
      expect(head, file).toMatch(/^\/\/ This file is generated\. Do not edit/);
      expect(head, file).toContain("npm run generate");
      expect(head, file).toContain("ocpp-rpc@2.2.1");
    }
  });
});
