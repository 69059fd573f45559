import { describe, expect, it } from "vitest";
import { appConfigFromEnv, ConfigError, modelConfigFromEnv } from "../../src/config.js";
import { serverConfigFromEnv } from "../../src/server/serve.js";

describe("settings from the environment", () => {
  it("takes an empty value as unset, as .env.example promises", () => {
    const c = appConfigFromEnv({ LOG_LEVEL: "", CARE_GRAPH_SEED: "", CARE_GRAPH_LLM_TIMEOUT_MS: "" });
    expect(c).toMatchObject({ logLevel: "info", seed: 7, models: { timeoutMs: 20_000 } });
    expect(serverConfigFromEnv({ PORT: "", TRUST_PROXY: "" })).toMatchObject({ port: 8080, trustProxy: 0 });
  });

  it("reads each variable into its setting", () => {
    expect(appConfigFromEnv({ LOG_LEVEL: "warn", CARE_GRAPH_SEED: "11" })).toMatchObject({ logLevel: "warn", seed: 11 });
    expect(modelConfigFromEnv({ CARE_GRAPH_LLM_TIMEOUT_MS: "1500", CARE_GRAPH_LLM_MAX_RETRIES: "0" })).toMatchObject({ timeoutMs: 1500, maxRetries: 0 });
  });

  it("names the variable, not an internal field, when a value is bad", () => {
    const problem = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted a bad value");
    };
    expect(problem(() => appConfigFromEnv({ CARE_GRAPH_SEED: "seven" }))).toMatch(/^CARE_GRAPH_SEED: .*\(got "seven"\)/);
    expect(problem(() => appConfigFromEnv({ LOG_LEVEL: "loud" }))).toMatch(/^LOG_LEVEL: /);
    expect(problem(() => modelConfigFromEnv({ CARE_GRAPH_LLM_MAX_RETRIES: "99" }))).toMatch(/^CARE_GRAPH_LLM_MAX_RETRIES: /);
    const server = problem(() => serverConfigFromEnv({ TRUST_PROXY: "x", METRICS_TOKEN: "short" }));
    expect(server).toMatch(/TRUST_PROXY: /);
    expect(server).toMatch(/METRICS_TOKEN: /);
    expect(server).not.toMatch(/trustProxy|metricsToken/);
  });

  it("opens PostgreSQL only when DATABASE_URL is set, in public unless DATABASE_SCHEMA says otherwise", () => {
    expect(appConfigFromEnv({}).databaseUrl).toBeUndefined();
    expect(appConfigFromEnv({}).databaseSchema).toBe("public");
    expect(appConfigFromEnv({ DATABASE_URL: "postgres://u@db:5432/care", DATABASE_SCHEMA: "care_a" })).toMatchObject({
      databaseUrl: "postgres://u@db:5432/care",
      databaseSchema: "care_a",
    });
    expect(() => appConfigFromEnv({ DATABASE_SCHEMA: "a; drop table x" })).toThrow(/^DATABASE_SCHEMA: /);
    let message = "";
    try {
      appConfigFromEnv({ DATABASE_URL: "mysql://care:hunter2@db/care" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(message).not.toContain("hunter2");
  });

  it("lets RUN_CONCURRENCY win over the LLM default", () => {
    expect(serverConfigFromEnv({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }).runConcurrency).toBe(64);
    expect(serverConfigFromEnv({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1", RUN_CONCURRENCY: "8" }).runConcurrency).toBe(8);
  });
});
