/**
 * `ocpp-ws-io/nestjs`: a Nest module that provides an OCPPServer through dependency
 * injection (inject it by its class), attaches it to the application's HTTP server, routes
 * station calls to `@OcppGateway()` providers and closes it with the application.
 */
import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
} from "@nestjs/common";
import { DiscoveryModule, DiscoveryService, HttpAdapterHost, MetadataScanner } from "@nestjs/core";
import { OCPPServer } from "../server/ocpp-server.js";
import type { ServerOptions } from "../server/server-options.js";
import { OcppGatewayHost } from "./nestjs-gateways.js";

export {
  OcppGateway,
  OcppMessageEvent,
  type OcppHandlerFor,
  type OcppHandlerMethod,
  type OcppMethodDecorator,
} from "./nestjs-decorators.js";

/** The injection token of the options given to forRoot / forRootAsync. */
export const OCPP_MODULE_OPTIONS = Symbol("OCPP_MODULE_OPTIONS");

/** Implemented by a gateway that wants to know of each new station. */
export interface OnOcppConnection {
  handleConnection(client: import("../server/ocpp-server-client.js").OCPPServerClient): unknown;
}

export interface OcppModuleAsyncOptions {
  imports?: ModuleMetadata["imports"];
  /** Providers whose values are passed to useFactory, in order. */
  inject?: FactoryProvider["inject"];
  useFactory: (...args: never[]) => ServerOptions | Promise<ServerOptions>;
}

/**
 * The module. It is global: any module can inject `OCPPServer`.
 *
 * @example
 * @Module({ imports: [OcppModule.forRoot({ protocols: ["ocpp1.6"] })], providers: [StationsGateway] })
 * export class AppModule {}
 */
export class OcppModule {
  /** An OCPPServer made from these options. */
  static forRoot(options: ServerOptions = {}): DynamicModule {
    return OcppModule.build([], { provide: OCPP_MODULE_OPTIONS, useValue: options });
  }

  /** An OCPPServer made from options computed by `useFactory` (e.g. from a config service). */
  static forRootAsync(options: OcppModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== "function") {
      throw new TypeError("OcppModule.forRootAsync(): useFactory must be a function");
    }
    return OcppModule.build(options.imports ?? [], {
      provide: OCPP_MODULE_OPTIONS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata["imports"]>,
    optionsProvider: ModuleMetadata["providers"] extends (infer T)[] | undefined ? T : never,
  ): DynamicModule {
    return {
      module: OcppModule,
      global: true,
      imports: [...imports, DiscoveryModule],
      providers: [
        optionsProvider,
        {
          provide: OCPPServer,
          useFactory: (options: ServerOptions) => new OCPPServer(options),
          inject: [OCPP_MODULE_OPTIONS],
        },
        {
          provide: OcppGatewayHost,
          useFactory: (
            ocpp: OCPPServer,
            discovery: DiscoveryService,
            scanner: MetadataScanner,
            adapterHost: HttpAdapterHost,
          ) => new OcppGatewayHost(ocpp, discovery, scanner, adapterHost),
          inject: [OCPPServer, DiscoveryService, MetadataScanner, HttpAdapterHost],
        },
      ],
      exports: [OCPPServer],
    };
  }
}
// Applied as a call: the library is compiled without experimentalDecorators.
Module({})(OcppModule);
