// README "NestJS": OcppModule provides the OCPPServer through dependency injection, attaches
// it to the application's HTTP server, routes station calls to @OcppGateway() providers, and
// closes it with the application.
// Run: `npm run build && npx tsx --tsconfig examples/nestjs/tsconfig.json examples/nestjs/main.ts`
import "reflect-metadata";
import { Controller, Get, Inject, Injectable, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { AddressInfo } from "node:net";
import { OCPPClient, OCPPServer, type HandlerContext, type OCPPServerClient } from "ocpp-ws-io";
import type { OCPP16 } from "ocpp-ws-io";
import {
  OcppGateway,
  OcppMessageEvent,
  OcppModule,
  type OnOcppConnection,
} from "ocpp-ws-io/nestjs";

@Injectable()
class StationLog {
  write(line: string): void {
    console.log(line);
  }
}

// The explicit @Inject() tokens keep this working with compilers that do not emit
// parameter types (tsx/esbuild); with tsc or SWC they may be left out.
@OcppGateway()
class StationsGateway implements OnOcppConnection {
  constructor(@Inject(StationLog) private readonly log: StationLog) {}

  @OcppMessageEvent("ocpp1.6", "BootNotification")
  boot(
    { params }: HandlerContext<OCPP16.BootNotificationRequest>,
    client: OCPPServerClient,
  ): OCPP16.BootNotificationResponse {
    this.log.write(
      `${client.identity} is a ${params.chargePointVendor} ${params.chargePointModel}`,
    );
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
  }

  @OcppMessageEvent("ocpp1.6", "Heartbeat")
  heartbeat(): OCPP16.HeartbeatResponse {
    return { currentTime: new Date().toISOString() };
  }

  async handleConnection(client: OCPPServerClient): Promise<void> {
    this.log.write(`${client.identity} connected`);
    const res = await client.call("ocpp1.6", "GetConfiguration", { key: ["HeartbeatInterval"] });
    this.log.write(
      `CSMS: ${client.identity} HeartbeatInterval = ${res.configurationKey?.[0]?.value}`,
    );
  }
}

@Controller()
class HealthController {
  constructor(@Inject(OCPPServer) private readonly ocpp: OCPPServer) {}

  @Get("health")
  health(): { stations: number } {
    return { stations: this.ocpp.clients.size };
  }
}

@Module({
  imports: [OcppModule.forRoot({ protocols: ["ocpp1.6"] })],
  controllers: [HealthController],
  providers: [StationLog, StationsGateway],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ["warn", "error"] });
await app.listen(0, "127.0.0.1");
const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
console.log(`Nest + OCPP on port ${port}`);

const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${port}/ocpp`,
  identity: "CP001",
  protocols: ["ocpp1.6"],
  reconnect: false, // this example ends when the application closes
});
const configured = new Promise<void>((resolve) => {
  station.handle("GetConfiguration", ({ params }) => {
    resolve();
    return {
      configurationKey: (params.key ?? []).map((key) => ({ key, readonly: false, value: "300" })),
    };
  });
});
await station.connect();
const boot = await station.call("BootNotification", {
  chargePointVendor: "VendorX",
  chargePointModel: "ModelY",
});
console.log(`station: boot ${boot.status}`);
await configured;
// One more round trip: the CSMS has read the GetConfiguration answer sent before it.
await station.call("Heartbeat");

const health = (await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.json())) as {
  stations: number;
};
console.log("GET /health:", JSON.stringify(health));

station.on("close", ({ code }) => console.log(`station: closed by the CSMS (${code})`));
await app.close();
console.log("Nest + OCPP stopped");
