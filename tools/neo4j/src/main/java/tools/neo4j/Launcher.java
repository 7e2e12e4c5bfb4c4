package tools.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS with only a Bolt connector on 127.0.0.1:PORT.
 *
 * <p>Usage: {@code Launcher [homeDir] [port]}; falls back to the environment variables
 * NEO4J_HOME_DIR and NEO4J_PORT (default 7687). Optional: NEO4J_PAGECACHE (default 256m) and
 * NEO4J_TX_MEMORY_MAX (default 256m), the most heap one transaction may use
 * (db.memory.transaction.max), so that one runaway query fails instead of starving the server.
 *
 * <p>Prints exactly one {@code NEO4J_READY bolt://127.0.0.1:PORT} line on stdout once the default
 * database is available, and {@code NEO4J_STOPPED} after a clean shutdown (SIGTERM / SIGINT).
 * Neo4j's own logs go to {@code <homeDir>/logs/}.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        String homeArg = args.length > 0 ? args[0] : env("NEO4J_HOME_DIR", null);
        String portArg = args.length > 1 ? args[1] : env("NEO4J_PORT", "7687");
        int port = Integer.parseInt(portArg.trim());
        if (homeArg == null) {
            homeArg = Paths.get("data", String.valueOf(port)).toString();
        }
        Path home = Paths.get(homeArg).toAbsolutePath().normalize();
        Files.createDirectories(home);
        long pageCache = ByteUnit.parse(env("NEO4J_PAGECACHE", "256m"));
        long txMemoryMax = ByteUnit.parse(env("NEO4J_TX_MEMORY_MAX", "256m"));

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                // Bolt only, loopback only; no TLS.
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                // Routing tables (neo4j:// URIs) hand out this address, so it must be the real one.
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Server-side routing would open a second listener (default port 7688) that
                // would collide with a second instance; it is not needed for neo4j:// URIs.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                // Any credentials are accepted.
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Modest memory; no transaction timeout; no phone-home.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                // A transaction that needs more heap than this fails with
                // Neo.TransientError.General.MemoryPoolOutOfMemoryError instead of taking the
                // heap from every other query (diplograph's ad hoc Cypher relies on it).
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMemoryMax)
                // LOAD CSV may not read the server's files (file:/// URLs).
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ZERO)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt's netty event loops otherwise linger 5s + 5s on shutdown (quiet periods).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
                System.out.println("NEO4J_STOPPED");
                System.out.flush();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            // keep waiting; start.sh enforces the overall timeout
        }
        // A trivial transaction proves the default database really serves queries.
        db.executeTransactionally("RETURN 1");

        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("NEO4J_READY bolt://" + HOST + ":" + port + " (Neo4j "
                + org.neo4j.kernel.internal.Version.getNeo4jVersion()
                + ", auth disabled, home " + home + ", started in " + ms + " ms)");
        System.out.flush();

        stopped.await();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
