export interface Ownership {
  owner: "bot" | "human";
  agent: string | null;
  since: string | null;
}

