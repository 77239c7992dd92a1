import { Logger } from "@nestjs/common";
import type {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnModuleInit,
} from "@nestjs/common";
import type { DiscoveryService, HttpAdapterHost, MetadataScanner } from "@nestjs/core";
import { checkHandlerDirection, CSMS_ROLE } from "../rpc/direction.js";
import type { CallHandler } from "../rpc/types.js";
import type { OCPPServer } from "../server/ocpp-server.js";
import type { OCPPServerClient } from "../server/ocpp-server-client.js";
import {
  gatewayMarker,
  messageEventMarker,
  type OcppMessageEventMetadata,
} from "./nestjs-decorators.js";

/** One @OcppMessageEvent method, bound to its gateway instance. */
interface GatewayHandler extends OcppMessageEventMetadata {
  call(this: void, context: Parameters<CallHandler>[0], client: OCPPServerClient): unknown;
}

/** The untyped registration path of a server-side client (method names come from metadata). */
interface UntypedHandle {
  handle(protocol: string, method: string, handler: CallHandler): void;
  handle(method: string, handler: CallHandler): void;
}

type ConnectionHook = (client: OCPPServerClient) => unknown;

type InstanceWrapper = ReturnType<DiscoveryService["getProviders"]>[number];

/**
 * Connects the OCPPServer with the Nest application: attaches it to the app's HTTP server,
 * registers every gateway's handlers on each station that connects, and closes it when the
 * app closes (before Nest closes the HTTP server, which would otherwise wait for the
 * stations' sockets).
 */
export class OcppGatewayHost
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger("OcppModule");
  private handlers: GatewayHandler[] = [];
  private connectionHooks: ConnectionHook[] = [];

  constructor(
    private readonly ocpp: OCPPServer,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: gatewayMarker.KEY })) {
      this.collect(wrapper);
    }
    this.ocpp.on("client", (client) => this.onClient(client));
    this.ocpp.on("error", (err) => this.logger.error(err.message, err.stack));
    this.ocpp.on("upgradeError", ({ error }) =>
      this.logger.error(`upgrade failed: ${error.message}`, error.stack),
    );
  }

  /** Takes the @OcppMessageEvent methods and the handleConnection hook of one gateway. */
  private collect(wrapper: InstanceWrapper): void {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    // Request-scoped providers have no instance to bind; a gateway lives as long as the app.
    if (!instance || !wrapper.isDependencyTreeStatic()) return;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of this.scanner.getAllMethodNames(prototype)) {
      const meta = this.discovery.getMetadataByDecorator(messageEventMarker, wrapper, name);
      if (!meta) continue;
      checkGatewayMethod(String(wrapper.name), name, meta);
      const fn = instance[name] as (...args: unknown[]) => unknown;
      this.handlers.push({ ...meta, call: (ctx, client) => fn.call(instance, ctx, client) });
    }
    const hook = instance["handleConnection"];
    if (typeof hook === "function") {
      this.connectionHooks.push((client) => hook.call(instance, client));
    }
  }

  onApplicationBootstrap(): void {
    // Absent in a standalone application context: there the app calls ocpp.listen() itself.
    const httpServer: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (httpServer && typeof (httpServer as { on?: unknown }).on === "function") {
      (httpServer as import("node:net").Server).on("upgrade", this.ocpp.handleUpgrade);
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.ocpp.close();
  }

  private onClient(client: OCPPServerClient): void {
    const target = client as unknown as UntypedHandle;
    for (const { protocol, method, call } of this.handlers) {
      const handler: CallHandler = (ctx) => call(ctx, client);
      if (protocol === undefined) target.handle(method, handler);
      else target.handle(protocol, method, handler);
    }
    for (const hook of this.connectionHooks) {
      Promise.resolve()
        .then(() => hook(client))
        .catch((err: Error) =>
          this.logger.error(
            `handleConnection(${client.identity}) failed: ${err?.message}`,
            err?.stack,
          ),
        );
    }
  }
}

/**
 * A method a station never sends (e.g. Reset) fails the application's start, naming the
 * gateway method, rather than every station's connection later.
 */
function checkGatewayMethod(
  gateway: string,
  methodName: string,
  { protocol, method }: OcppMessageEventMetadata,
): void {
  if (protocol === undefined) return;
  try {
    checkHandlerDirection(CSMS_ROLE, method, [protocol]);
  } catch (err) {
    throw new TypeError(
      `@OcppMessageEvent("${protocol}", "${method}") on ${gateway}.${methodName}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
