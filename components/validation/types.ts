// A proof, checked by the compiler, that the public argument types (args.ts) and the validator's schema
// (schema.ts) describe the same arguments: a key, an optional mark, an enum member or a type changed in one and not
// in the other fails `tsc`. The negative cases at the end show the comparison can fail.
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { SelfHostedGatewayArgs } from "../args";
import type { argsSchema } from "./schema";

type Depth = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8];

/**
 * A type flattened into `[key path, leaf]` entries: one per key with its optional mark (`"optional"` or
 * `"required"`), and one per plain leaf value (strings, numbers, booleans, literals, Outputs and promises of them).
 * Flattening keeps the compiler from giving up on deep structures (it treats deeply nested generic comparisons as
 * related), so a difference at any depth shows. Below 8 levels (inside `affinity`), a value is compared whole.
 */
export type Leaves<T, P extends string = "", D extends number = 8> = [D] extends [never]
    ? [P, T]
    : T extends pulumi.OutputInstance<unknown> | Promise<unknown> | string | number | boolean | undefined | null
      ? [P, T]
      : T extends readonly (infer E)[]
        ? Leaves<E, `${P}[]`, Depth[D]>
        : T extends object
          ? {
                [K in keyof T & string]-?:
                    | [`${P}.${K}`, undefined extends T[K] ? "optional" : "required"]
                    | Leaves<Exclude<T[K], undefined>, `${P}.${K}`, Depth[D]>;
            }[keyof T & string]
          : [P, T];

/** Whether two types describe the same values (same keys, same optional marks, same members at every depth). */
export type Agree<A, B> = [Leaves<A>] extends [Leaves<B>] ? ([Leaves<B>] extends [Leaves<A>] ? true : false) : false;

/** The top-level argument keys on which the two disagree (never when they agree). */
export type Disagreeing<A, B> = {
    [K in keyof A | keyof B]-?: K extends keyof A ? (K extends keyof B ? (Agree<A[K], B[K]> extends true ? never : K) : K) : K;
}[keyof A | keyof B];

/** What the schema accepts, as a type. */
export type SchemaArgs = z.input<typeof argsSchema>;

type Expect<T extends true> = T;
type Not<T extends boolean> = T extends true ? false : true;

/** Compiles only when args.ts and the schema agree; otherwise the error names the disagreeing keys. */
export const ARGS_AGREE_WITH_SCHEMA: [Disagreeing<SelfHostedGatewayArgs, SchemaArgs>] extends [never]
    ? "agree"
    : { disagreeing: Disagreeing<SelfHostedGatewayArgs, SchemaArgs> } = "agree";

// The comparison can fail: each of these changes to one side is a disagreement.
type WithExtra = SelfHostedGatewayArgs & { extraOption?: string };
type ReplicasAsString = Omit<SelfHostedGatewayArgs, "replicas"> & { replicas?: string };
type EnvironmentWidened = Omit<SelfHostedGatewayArgs, "environment"> & { environment?: "dev" | "prod" | "staging" };
type NamespaceRequiredCreate = Omit<SelfHostedGatewayArgs, "namespace"> & {
    namespace: SelfHostedGatewayArgs["namespace"] & { create: boolean };
};
type Obs = NonNullable<SelfHostedGatewayArgs["observability"]>;
type Metrics = NonNullable<Obs["metrics"]>;
type Statsd = NonNullable<Metrics["statsd"]>;
/** Four levels down, one enum member more. */
type StatsdTagFormatWidened = Omit<SelfHostedGatewayArgs, "observability"> & {
    observability?: Omit<Obs, "metrics"> & {
        metrics?: Omit<Metrics, "statsd"> & { statsd?: Omit<Statsd, "tagFormat"> & { tagFormat?: Statsd["tagFormat"] | "graphite" } };
    };
};
type ServiceNamePlain = Omit<SelfHostedGatewayArgs, "apim"> & {
    apim: Omit<SelfHostedGatewayArgs["apim"], "serviceName"> & { serviceName: string };
};
export type ComparisonCanFail = [
    Expect<Agree<SelfHostedGatewayArgs, SelfHostedGatewayArgs>>,
    Expect<Not<Agree<WithExtra, SchemaArgs>>>,
    Expect<Not<Agree<ReplicasAsString, SchemaArgs>>>,
    Expect<Not<Agree<EnvironmentWidened, SchemaArgs>>>,
    Expect<Not<Agree<NamespaceRequiredCreate, SchemaArgs>>>,
    Expect<Not<Agree<ServiceNamePlain, SchemaArgs>>>,
    Expect<Not<Agree<StatsdTagFormatWidened, SchemaArgs>>>,
];
