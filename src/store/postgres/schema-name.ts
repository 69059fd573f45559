/** A PostgreSQL schema name goes into SQL as is: plain lower-case identifiers only. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
