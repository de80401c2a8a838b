// URL values: which schemes are accepted, and credentials (user:password@) are never accepted in plain config.
import { z } from "zod";

export const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
export const NO_CREDENTIALS = "must not contain credentials (user:password@); plain stack config is not secret";
export const proxyUrl = z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL such as http://proxy.corp:3128" })
    .refine((v) => !/^[a-z]+:\/\/[^/]*@/i.test(v), NO_CREDENTIALS);
