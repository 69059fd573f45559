import { describe, expect, it } from "vitest";
import { Customer } from "../../src/domain/customer.js";
import { forgeCustomers } from "../../src/sim/persona-forge.js";
import { prioritize } from "../../src/sim/prioritizer.js";
import { CustomerCsvError, customersFromCsv, customersToCsv } from "../../src/store/customer-csv.js";
import { parseCsv } from "../../src/store/csv.js";
import { corpus, customer } from "../helpers/runtime.js";

describe("PersonaForge", () => {
  it("defaults to 200 customers, 50 per segment, all valid", () => {
    const cs = forgeCustomers({}, corpus);
    expect(cs).toHaveLength(200);
    for (const s of ["VF", "VE", "NVF", "NVE"]) expect(cs.filter((c) => c.segment === s)).toHaveLength(50);
    for (const c of cs) Customer.parse(c);
    expect(new Set(cs.map((c) => c.customer_id)).size).toBe(200);
  });

  it("gives vocal customers a Spanish first message and silent ones none", () => {
    const cs = forgeCustomers({ n: 100 }, corpus);
    for (const c of cs) expect(c.first_message === "").toBe(!c.is_vocal);
  });

  it("same seed, same customers; another seed, others", () => {
    expect(forgeCustomers({ seed: 3 }, corpus)).toEqual(forgeCustomers({ seed: 3 }, corpus));
    expect(forgeCustomers({ seed: 4 }, corpus)).not.toEqual(forgeCustomers({ seed: 3 }, corpus));
  });

  it("honours the shares of vocal and angry customers", () => {
    const cs = forgeCustomers({ n: 1000, share_vocal: 0.2, share_angry: 0.7 }, corpus);
    expect(cs.filter((c) => c.is_vocal)).toHaveLength(200);
    expect(cs.filter((c) => c.segment === "VE" || c.segment === "NVE")).toHaveLength(700);
  });

  it("angry customers carry worse signals", () => {
    const cs = forgeCustomers({ n: 2000 }, corpus);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const angry = cs.filter((c) => c.segment.endsWith("E"));
    const happy = cs.filter((c) => c.segment.endsWith("F"));
    expect(avg(angry.map((c) => c.churn_risk_est))).toBeGreaterThan(avg(happy.map((c) => c.churn_risk_est)) + 0.2);
    expect(avg(angry.map((c) => c.past_nps))).toBeLessThan(avg(happy.map((c) => c.past_nps)) - 3);
  });
});

describe("customer CSV", () => {
  it("round-trips in the documented column order, quotes and all", () => {
    const cs = forgeCustomers({ n: 30 }, corpus);
    const csv = customersToCsv(cs);
    expect(csv.split("\n")[0]).toBe(
      "customer_id,segment,is_vocal,last_purchase_days,price,issues_flag,past_nps,first_message,channel_pref,churn_risk_est,issue_bucket,mini_story",
    );
    expect(customersFromCsv(csv)).toEqual(cs);
  });

  it("parses quoted commas, quotes and newlines", () => {
    expect(parseCsv('a,b\n"x, ""y""","line1\nline2"\n')).toEqual([["a", "b"], ['x, "y"', "line1\nline2"]]);
  });

  it("rejects a bad record naming its line and field", () => {
    const bad = customersToCsv([customer(), customer({ customer_id: "T2" })]).replace(",300000,", ",-5,");
    expect(() => customersFromCsv(bad)).toThrow(CustomerCsvError);
    expect(() => customersFromCsv(bad)).toThrow(/line 2: price/);
  });

  it("rejects an unknown segment and a vocal customer without a message", () => {
    expect(() => customersFromCsv(customersToCsv([customer()]).replace(",VE,", ",XX,"))).toThrow(/segment/);
    expect(() => customersFromCsv(customersToCsv([customer({ first_message: "" })]))).toThrow(/first_message/);
  });

  it("rejects a missing column and a duplicate id", () => {
    expect(() => customersFromCsv("customer_id,segment\nA,VF\n")).toThrow(/lacks is_vocal/);
    expect(() => customersFromCsv(customersToCsv([customer(), customer()]))).toThrow(/duplicate/);
  });
});

describe("prioritizer", () => {
  it("scores 0.5·issues + 0.3·norm(price) + 0.2·norm(1/days) over silent customers only", () => {
    const silent = (id: string, issues: number, price: number, days: number) =>
      customer({ customer_id: id, segment: "NVF", is_vocal: false, first_message: "", issues_flag: issues, price, last_purchase_days: days });
    const ranked = prioritize(
      [silent("a", 0, 100_000, 100), silent("b", 1, 100_000, 100), silent("c", 0, 900_000, 1), customer({ customer_id: "vocal" })],
      10,
    );
    expect(ranked.map((r) => r.customer.customer_id)).toEqual(["b", "c", "a"]);
    expect(ranked[0]!.score).toBeCloseTo(0.5);
    expect(ranked[1]!.score).toBeCloseTo(0.5);
    expect(ranked[2]!.score).toBeCloseTo(0);
  });

  it("returns the top N", () => {
    const cs = forgeCustomers({ n: 200 }, corpus);
    const top = prioritize(cs, 30);
    expect(top).toHaveLength(30);
    expect(top.every((t) => !t.customer.is_vocal)).toBe(true);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.score).toBeGreaterThanOrEqual(top[i]!.score);
  });
});
