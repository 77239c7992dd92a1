import type { CsmsOutbound, Req, Res } from "../../src/rpc/typed-api.js";
import type { CallHandler } from "../../src/index.js";
type In = CsmsOutbound<"ocpp1.6">;
declare function h2<Pr extends keyof In & string, M extends keyof In[Pr] & string>(p: Pr, m: M, h: NoInfer<CallHandler<Req<In[Pr][M]>, Res<In[Pr][M]>>>): void;
h2("ocpp1.6", "Reset", () => ({ status: "Accepted" }));
h2("ocpp1.6", "Reset", () => ({ status: "Maybe" }));
h2("ocpp1.6", "Reset", ({ params }) => { const t: "x" = params; return { status: "Accepted" }; });
h2("ocpp1.6", "Resetx", () => ({ status: "Accepted" }));
