/**
 * A small Nest application for the tests: a gateway with typed and untyped handlers and a
 * connection hook, a service it depends on, and a controller beside the OCPP server.
 */
import "reflect-metadata";
import { Controller, Get, Injectable, Module, type DynamicModule } from "@nestjs/common";
import { OCPPServer, type HandlerContext, type OCPPServerClient } from "../../../src/index.js";
import type { OCPP16 } from "../../../src/index.js";
import {
  OcppGateway,
  OcppMessageEvent,
  type OnOcppConnection,
} from "../../../src/integrations/nestjs.js";

@Injectable()
export class StationRegistry {
  readonly booted: string[] = [];
  readonly connected: string[] = [];
}

@OcppGateway()
export class StationsGateway implements OnOcppConnection {
  constructor(private readonly registry: StationRegistry) {}

  @OcppMessageEvent("ocpp1.6", "BootNotification")
  boot(
    { params }: HandlerContext<OCPP16.BootNotificationRequest>,
    client: OCPPServerClient,
  ): OCPP16.BootNotificationResponse {
    this.registry.booted.push(`${client.identity}:${params.chargePointModel}`);
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: 60 };
  }

  // Untyped form: any protocol's Heartbeat.
  @OcppMessageEvent("Heartbeat")
  heartbeat(): { currentTime: string } {
    return { currentTime: "2025-01-01T00:00:00.000Z" };
  }

  handleConnection(client: OCPPServerClient): void {
    this.registry.connected.push(client.identity);
  }
}

@Controller()
export class HealthController {
  constructor(private readonly ocpp: OCPPServer) {}

  @Get("health")
  health(): { stations: number } {
    return { stations: this.ocpp.clients.size };
  }
}

/** The application module around an OcppModule.forRoot / forRootAsync import. */
export function appModule(ocppModule: DynamicModule): new () => object {
  @Module({
    imports: [ocppModule],
    controllers: [HealthController],
    providers: [StationRegistry, StationsGateway],
  })
  class AppModule {}
  return AppModule;
}
