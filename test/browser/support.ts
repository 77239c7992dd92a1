import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { bundleBrowserApp } from "../../scripts/browser-bundle.js";

/** The Debian `chromium` package, installed by .ci/run; never a browser downloaded by Playwright. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The test page's script: the whole `ocpp-ws-io/browser` entry on `window.ocpp`, bundled from
 * the built package as a user's bundler would, so tests drive the real library in the page.
 */
const PAGE_SCRIPT = [
  'import * as ocpp from "ocpp-ws-io/browser";',
  "window.ocpp = ocpp;",
  'document.title = "ready";',
].join("\n");

/** A page the harness serves: a module script (bundled like a user's app) and its HTML. */
export interface HarnessApp {
  /** The module's source, importing from "ocpp-ws-io/browser". */
  readonly script: string;
  /** The page, given the path of the bundled script. */
  html(scriptPath: string): string;
  /** Whether newPage() waits for the script to set the title "ready" (the test page does). */
  readonly signalsReady: boolean;
}

/** The test page: the whole entry on `window.ocpp`. */
const TEST_APP: HarnessApp = {
  script: PAGE_SCRIPT,
  html: (scriptPath) =>
    `<!doctype html><meta charset="utf-8"><script type="module" src="/${scriptPath}"></script>`,
  signalsReady: true,
};

/** What a page did that a test may assert on. */
export interface PageRecord {
  readonly page: Page;
  /** Uncaught errors and unhandled rejections in the page. */
  readonly errors: Error[];
  /** The files fetched from the page server since this page was opened, in order. */
  fetched(): string[];
}

/**
 * A headless Chromium with a fresh profile and a tiny HTTP server on 127.0.0.1 serving the
 * bundled test page (the app file plus the chunks strict mode loads with import()).
 */
export class BrowserHarness {
  /** `app`: the page to serve; by default the test page with the whole entry on `window.ocpp`. */
  constructor(private readonly app: HarnessApp = TEST_APP) {}

  /** Every path the page server was asked for, in order (tests open one page at a time). */
  private readonly requests: string[] = [];
  private pageServer: Server | undefined;
  private context: BrowserContext | undefined;
  private profile: string | undefined;
  private pageUrl = "";
  /** File name prefixes whose next request is answered 503 (a chunk the network lost). */
  private readonly failing: string[] = [];

  /** Answers the next request for a file starting with `prefix` with 503 Service Unavailable. */
  failNext(prefix: string): void {
    this.failing.push(prefix);
  }

  private readonly held: Array<{ prefix: string; requested: (respond: () => void) => void }> = [];

  /**
   * Holds back the answer to the next request for a file starting with `prefix` (a slow
   * network): resolves, once the page asks for it, with the function that sends it.
   */
  holdNext(prefix: string): Promise<() => void> {
    return new Promise((requested) => this.held.push({ prefix, requested }));
  }

  async start(): Promise<void> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (as .ci/run does)`);
    }
    const bundle = await bundleBrowserApp(this.app.script, { minify: false });
    const files = new Map<string, Uint8Array>(bundle.files);
    files.set("index.html", new TextEncoder().encode(this.app.html(bundle.app)));
    const pageServer = createServer((req, res) => {
      const name = (req.url ?? "/").split("?")[0]!.slice(1) || "index.html";
      this.requests.push(name);
      const failing = this.failing.findIndex((prefix) => name.startsWith(prefix));
      if (failing >= 0) {
        this.failing.splice(failing, 1);
        res.writeHead(503).end();
        return;
      }
      const body = files.get(name);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      const type = name.endsWith(".html") ? "text/html" : "text/javascript";
      const respond = () =>
        res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
      const held = this.held.findIndex((h) => name.startsWith(h.prefix));
      if (held >= 0) this.held.splice(held, 1)[0]!.requested(respond);
      else respond();
    });
    this.pageServer = pageServer;
    pageServer.on("error", (err) => this.requests.push(`page server error: ${err.message}`));
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    this.pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
    this.profile = await mkdtemp(path.join(tmpdir(), "ocpp-chromium-"));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }

  /** A new tab with the page loaded (`search`: its query string, "?csms=…"). */
  async newPage(search = ""): Promise<PageRecord> {
    const page = await this.context!.newPage();
    const errors: Error[] = [];
    page.on("pageerror", (err) => errors.push(err));
    const from = this.requests.length;
    await page.goto(this.pageUrl + search);
    if (this.app.signalsReady) await page.waitForFunction(() => document.title === "ready");
    return { page, errors, fetched: () => this.requests.slice(from) };
  }

  async stop(): Promise<void> {
    await this.context?.close();
    const pageServer = this.pageServer;
    if (pageServer) {
      pageServer.closeAllConnections();
      await new Promise<void>((resolve) => pageServer.close(() => resolve()));
    }
    if (this.profile) await rm(this.profile, { recursive: true, force: true });
  }
}
