// Child process: bare `ws` stations on ocpp2.0.1 keeping calls of one frame in flight.
// Commands: connect, run (for a window, returns answered calls), closeAll.
import { WebSocket } from "ws";
import { serve, sleep } from "./child.mjs";

const conns = [];
let template;
let counting = false;
let answered = 0;
let errors = 0;
let firstError;

function open(port, i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/W${i}`, ["ocpp2.0.1"], {
      perMessageDeflate: false,
    });
    let seq = 0;
    const sendOne = () => ws.send(template.replace("@ID@", `${i}-${seq++}`.padEnd(12, "x")));
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.charCodeAt(1) !== 51 /* "3" */) {
        errors++;
        firstError ??= text.slice(0, 200);
      }
      if (counting) answered++;
      if (ws.readyState === WebSocket.OPEN) sendOne();
    });
    ws.once("open", () => resolve({ ws, sendOne }));
    ws.once("error", reject);
  });
}

serve({
  async connect({ port, n }) {
    for (let i = 0; i < n; i++) conns.push(await open(port, i));
    return null;
  },
  // Starts `inflight` calls per connection (once), counts the answers during `ms`.
  async run({ frame, inflight, ms }) {
    if (template === undefined) {
      template = frame;
      for (const c of conns) for (let k = 0; k < inflight; k++) c.sendOne();
    }
    answered = 0;
    counting = true;
    await sleep(ms);
    counting = false;
    return { answered, errors, firstError };
  },
  closeAll() {
    for (const c of conns) c.ws.terminate();
    return null;
  },
});
