from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, ports, service_image

# images (last path component, or a repository fragment) of databases and caches
DATABASE_IMAGES = frozenset({
    "postgres", "postgresql", "postgis", "timescaledb", "mysql", "mariadb", "percona", "percona-server",
    "redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly", "mongo", "mongodb",
    "mongodb-community-server", "memcached", "elasticsearch", "opensearch", "cassandra", "scylla",
    "couchdb", "couchbase", "influxdb", "neo4j", "clickhouse-server", "clickhouse", "cockroach",
    "rethinkdb", "arangodb", "etcd", "oracle-database", "oracle-free", "questdb", "surrealdb",
})
# well-known container ports of databases and caches
DATABASE_PORTS = {
    5432: "PostgreSQL", 3306: "MySQL", 1433: "SQL Server", 1521: "Oracle", 6379: "Redis", 27017: "MongoDB",
    27018: "MongoDB", 27019: "MongoDB", 11211: "memcached", 9200: "Elasticsearch", 9300: "Elasticsearch",
    9042: "Cassandra", 5984: "CouchDB", 8086: "InfluxDB", 7687: "Neo4j", 26257: "CockroachDB",
    28015: "RethinkDB", 8529: "ArangoDB", 2379: "etcd", 8123: "ClickHouse",
}


def _database_image(ref) -> bool:
    return ref is not None and (ref.short_name in DATABASE_IMAGES or "mssql" in ref.repository)


class DatabasePortExposed(Rule):
    """
    Publish database ports on localhost only.

    ## What it does
    Flags a published port of a database or cache service that listens on all interfaces:
    `"5432:5432"`, `"5432"` (a random host port), `"0.0.0.0:5432:5432"`, or a long-syntax
    entry without `host_ip`. A service counts as a database by its image (postgres, mysql,
    mariadb, redis, mongo, memcached, elasticsearch, SQL Server...) or, for any image, by a
    well-known database container port (5432, 3306, 1433, 6379, 27017...).

    ## Why is this bad?
    Docker publishes ports with its own iptables rules, in front of host firewalls such as
    ufw: `"5432:5432"` makes the database reachable from the network the host is on, often
    the internet, usually with a development password. Exposed Redis, MongoDB and
    Elasticsearch instances are among the most common sources of data breaches.

    ## Scope
    `ports` of every service, short and long syntax. `127.0.0.1:5432:5432`, `[::1]:...` and
    other explicit addresses pass; `expose` (inter-container only) is fine.

    ## Compared with other tools
    No Checkov, Trivy or kube-linter check covers Compose; the Kubernetes counterparts are
    KS012 (hostPort) and KS031 (NodePort).
    """

    code = "DC009"
    name = "compose-database-port-exposed"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              db:
                image: postgres:16.4
                ports:
                  - "5432:5432"
              cache:
                image: example/cache:1.0
                ports:
                  - target: 6379
                    published: 6379
            """,
            count=2,
            at=[(5, 9), (10, 20)],
        ),
        ok(
            """
            services:
              db:
                image: postgres:16.4
                ports:
                  - "127.0.0.1:5432:5432"
              web:
                image: example/web:1.0
                ports:
                  - "8080:8080"
              cache:
                image: redis:7.4
                expose: ["6379"]
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            ref, _ = service_image(service)
            database = _database_image(ref)
            for port in ports(service):
                if not port.all_interfaces:
                    continue
                known = [p for p in port.targets() if DATABASE_PORTS.get(p)]
                if not (database or known):
                    continue
                what = DATABASE_PORTS.get(known[0]) if known else None
                what = what or (ref.short_name if ref is not None else "database")
                where = f"host port {port.published}" if port.published else "a random host port"
                ctx.report(
                    port.span_node.span,
                    f"service {service.name} publishes {what} port {port.target} on {where} of every interface: "
                    f"bind it to 127.0.0.1 (\"127.0.0.1:{port.published or port.target}:{port.target}\")",
                )
