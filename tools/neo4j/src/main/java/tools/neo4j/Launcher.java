package tools.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
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
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS with only a Bolt connector on 127.0.0.1:PORT.
 *
 * <p>Usage: {@code Launcher [homeDir] [port]}; falls back to the environment variables
 * NEO4J_HOME_DIR and NEO4J_PORT (default 7687). Optional: NEO4J_PAGECACHE (default 256m) and
 * NEO4J_BOUNDS_FILE, a neo4j.conf-style file of settings applied as they are (start.sh passes
 * bounds.conf: the limits on every transaction), and NEO4J_TX_MEMORY_MAX, which overrides its
 * db.memory.transaction.max.
 *
 * <p>NEO4J_AUTH says how clients authenticate, as in the official Docker image: {@code neo4j/PASSWORD}
 * (the default is {@code neo4j/password}) turns authentication on and makes PASSWORD the password of
 * user neo4j at every start, with no change required, so a data folder created with other settings
 * keeps working; {@code none} turns authentication off (any credentials are accepted).
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
        String password = password(env("NEO4J_AUTH", "neo4j/password"));
        boolean auth = password != null;
        String bounds = env("NEO4J_BOUNDS_FILE", null);
        String txMemoryMax = env("NEO4J_TX_MEMORY_MAX", null);

        long t0 = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (bounds != null) {
            // The limits on every transaction (bounds.conf), the same as docker-compose's.
            builder.loadPropertiesFromFile(Paths.get(bounds));
        }
        if (txMemoryMax != null) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.parse(txMemoryMax));
        }
        DatabaseManagementService dbms = builder
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
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                // Modest memory; no phone-home.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
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

        if (auth) {
            setPassword(dbms, password);
        }
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            // keep waiting; start.sh enforces the overall timeout
        }
        // A trivial transaction proves the default database really serves queries.
        db.executeTransactionally("RETURN 1");

        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("NEO4J_READY bolt://" + HOST + ":" + port + " (Neo4j "
                + org.neo4j.kernel.internal.Version.getNeo4jVersion()
                + (auth ? ", auth enabled: user neo4j" : ", auth disabled: any credentials")
                + ", home " + home + ", started in " + ms + " ms)");
        System.out.flush();

        stopped.await();
    }

    /**
     * Returns the password NEO4J_AUTH gives user neo4j, or null for {@code none}. Anything else
     * stops the launcher with a message, as the Docker image does.
     */
    private static String password(String auth) {
        if (auth.equals("none")) {
            return null;
        }
        if (!auth.startsWith("neo4j/") || auth.length() < "neo4j/".length() + 8) {
            System.err.println("NEO4J_AUTH must be none or neo4j/PASSWORD with a password of at least"
                    + " 8 characters (user neo4j is the only one), not " + (auth.contains("/")
                    ? auth.substring(0, auth.indexOf('/')) + "/..." : "'" + auth + "'"));
            System.exit(2);
        }
        return auth.substring("neo4j/".length());
    }

    /**
     * Makes password the password of user neo4j, with no change required. The system database
     * creates that user at its first start with password "neo4j" and a change required, also when
     * auth is off, so this runs at every start: an existing data folder, created with auth off or
     * another password, then takes the configured one. Embedded transactions run with full rights.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            // Neo4j refuses to set the password the user already has; that is the state we want.
            if (!e.getMessage().contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
