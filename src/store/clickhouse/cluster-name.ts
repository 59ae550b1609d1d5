/** A cluster name as ClickHouse reads it unquoted (the names of remote_servers in its config). */
export const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
