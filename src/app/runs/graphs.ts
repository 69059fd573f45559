/** The graph every run of this service runs today; the registry of several graphs (issue 10, item 7) replaces it. */
export const GRAPH_ID = "care";
