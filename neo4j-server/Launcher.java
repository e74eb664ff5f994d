// Local Neo4j for kgreason development and tests: an embedded Neo4j Community DBMS with the Bolt connector,
// reached by the official drivers exactly like a server.
//
// Single-file source launcher, no compile step:
//
//     java -Xms1g -Xmx2g -cp "neo4j-server/lib/*" neo4j-server/Launcher.java \
//          HOME PORT [--detached] [key=value ...]
//
// HOME is the DBMS home (data/, logs/, plugins/ are created under it), PORT the Bolt port on 127.0.0.1.
// Extra key=value arguments are raw Neo4j settings that override the defaults below.
// Auth is off unless the environment variable NEO4J_AUTH_PASSWORD is set (at least 8 characters): then auth
// is on and user "neo4j" gets that password. The password is never taken from the command line.
//
// No -XX:+ExitOnOutOfMemoryError: values an expression builds (a huge list comprehension, a string doubled
// in reduce) are not counted by the transaction memory limits; without the flag their OutOfMemoryError ends
// that one query (Neo.TransientError.General.OutOfMemoryError) instead of the whole server.
//
// Prints "READY bolt://127.0.0.1:PORT" once the "neo4j" database is available. Shuts down cleanly on
// SIGTERM/SIGINT (shutdown hook) and, unless --detached, when stdin closes (so a parent holding the pipe
// takes the server down with it when it dies).
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class Launcher {
    // Plugin (APOC) procedures and functions to load: read-only helpers only. Excluded on purpose (they run
    // arbitrary Cypher, write, or read files/URLs): apoc.cypher.*, apoc.periodic.*, apoc.create.*,
    // apoc.refactor.*, apoc.load.*, apoc.export.*, apoc.import.*, apoc.trigger.*, apoc.do.*, apoc.lock.*,
    // apoc.nodes.*, apoc.schema.assert, apoc.util.*.
    // Built-in procedures (db.*, dbms.*, tx.*) are not subject to the allowlist: they are always there,
    // including dbms.killConnections and dbms.upgrade, so the read-only guard must refuse CALLs it does not know.
    static final String ALLOWLIST = String.join(",",
            "apoc.help", "apoc.version",
            "apoc.meta.*", "apoc.path.*", "apoc.algo.*", "apoc.neighbors.*", "apoc.stats.degrees",
            "apoc.map.*", "apoc.agg.*", "apoc.math.*", "apoc.number.*",
            "apoc.date.*", "apoc.temporal.*", "apoc.label.*", "apoc.node.*", "apoc.rel.*",
            "apoc.any.*", "apoc.hashing.*", "apoc.schema.nodes", "apoc.schema.relationships",
            "apoc.convert.fromJsonMap", "apoc.convert.fromJsonList", "apoc.convert.toJson",
            // apoc.coll.* and apoc.text.* one by one, leaving out what allocates without bound (the result's
            // size is an integer argument or a format width, or grows exponentially): apoc.text.lpad, rpad,
            // repeat, random, format, apoc.coll.fill, combinations, randomItems. The server's transaction
            // memory limit does not count such values: one call ends in an OutOfMemoryError.
            "apoc.coll.avg", "apoc.coll.contains", "apoc.coll.containsAll", "apoc.coll.containsAllSorted",
            "apoc.coll.containsDuplicates", "apoc.coll.containsSorted", "apoc.coll.different",
            "apoc.coll.disjunction", "apoc.coll.dropDuplicateNeighbors", "apoc.coll.duplicates",
            "apoc.coll.duplicatesWithCount", "apoc.coll.elements", "apoc.coll.flatten", "apoc.coll.frequencies",
            "apoc.coll.frequenciesAsMap", "apoc.coll.indexOf", "apoc.coll.insert", "apoc.coll.insertAll",
            "apoc.coll.intersection", "apoc.coll.isEqualCollection", "apoc.coll.max", "apoc.coll.min",
            "apoc.coll.occurrences", "apoc.coll.pairWithOffset", "apoc.coll.pairs", "apoc.coll.pairsMin",
            "apoc.coll.partition", "apoc.coll.randomItem", "apoc.coll.remove", "apoc.coll.removeAll",
            "apoc.coll.runningTotal", "apoc.coll.set", "apoc.coll.shuffle", "apoc.coll.sort", "apoc.coll.sortMaps",
            "apoc.coll.sortMulti", "apoc.coll.sortNodes", "apoc.coll.sortText", "apoc.coll.split", "apoc.coll.stdev",
            "apoc.coll.subtract", "apoc.coll.sum", "apoc.coll.sumLongs", "apoc.coll.toSet", "apoc.coll.union",
            "apoc.coll.unionAll", "apoc.coll.zip", "apoc.coll.zipToRows", "apoc.text.base64Decode",
            "apoc.text.base64Encode", "apoc.text.base64UrlDecode", "apoc.text.base64UrlEncode", "apoc.text.byteCount",
            "apoc.text.bytes", "apoc.text.camelCase", "apoc.text.capitalize", "apoc.text.capitalizeAll",
            "apoc.text.charAt", "apoc.text.clean", "apoc.text.code", "apoc.text.compareCleaned",
            "apoc.text.decapitalize", "apoc.text.decapitalizeAll", "apoc.text.distance", "apoc.text.doubleMetaphone",
            "apoc.text.fuzzyMatch", "apoc.text.hammingDistance", "apoc.text.hexCharAt", "apoc.text.hexValue",
            "apoc.text.indexOf", "apoc.text.indexesOf", "apoc.text.jaroWinklerDistance", "apoc.text.join",
            "apoc.text.levenshteinDistance", "apoc.text.levenshteinSimilarity", "apoc.text.phonetic",
            "apoc.text.phoneticDelta", "apoc.text.regexGroups", "apoc.text.regexGroupsByName", "apoc.text.regreplace",
            "apoc.text.replace", "apoc.text.slug", "apoc.text.snakeCase", "apoc.text.sorensenDiceSimilarity",
            "apoc.text.split", "apoc.text.swapCase", "apoc.text.toCypher", "apoc.text.toUpperCase",
            "apoc.text.upperCamelCase", "apoc.text.urldecode", "apoc.text.urlencode");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher HOME PORT [--detached] [key=value ...]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        boolean watchStdin = true;
        String password = System.getenv("NEO4J_AUTH_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        String address = "127.0.0.1:" + port;

        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("server.bolt.enabled", "true");
        cfg.put("server.bolt.listen_address", address);
        cfg.put("server.bolt.advertised_address", address);
        cfg.put("server.bolt.tls_level", "DISABLED");
        cfg.put("server.http.enabled", "false");
        cfg.put("server.https.enabled", "false");
        cfg.put("dbms.security.auth_enabled", Boolean.toString(auth));
        cfg.put("server.memory.pagecache.size", "512m");
        cfg.put("db.transaction.timeout", "30s");
        // Memory a transaction may track (rows operators buffer: sort, aggregation, collect, eager): one
        // transaction, all transactions of the database and of the DBMS, all well under the 2 GiB heap so
        // the page cache, Bolt and the query parser keep headroom. A query over them fails with
        // Neo.TransientError.General.MemoryPoolOutOfMemoryError; the rest of the server is unaffected.
        cfg.put("db.memory.transaction.max", "256m");
        cfg.put("db.memory.transaction.total.max", "1g");
        cfg.put("dbms.memory.transaction.total.max", "1g");
        cfg.put("dbms.security.allow_csv_import_from_file_urls", "false");
        cfg.put("dbms.usage_report.enabled", "false");
        cfg.put("db.tx_log.rotation.retention_policy", "2 files");
        // Netty waits a 5 s quiet period per Bolt event loop group on shutdown (~10 s per stop): not needed here.
        cfg.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        cfg.put("server.directories.plugins", home.resolve("plugins").toString());
        cfg.put("dbms.security.procedures.allowlist", ALLOWLIST);
        // apoc.meta.* reads the store's counts through internal APIs and must leave the sandbox.
        cfg.put("dbms.security.procedures.unrestricted", "apoc.meta.*");
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--detached")) {
                watchStdin = false;
                continue;
            }
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("bad setting (want key=value): " + a);
                System.exit(2);
            }
            cfg.put(a.substring(0, eq), a.substring(eq + 1));
        }

        Files.createDirectories(home);
        installPlugins(Path.of(cfg.get("server.directories.plugins")));

        // The public builder takes raw settings only from a file: write the effective config, then load it.
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        Files.createDirectories(conf.getParent());
        StringBuilder text = new StringBuilder("# written by kgreason's Launcher.java on every start\n");
        cfg.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        AtomicBoolean down = new AtomicBoolean(false);
        Runnable shutdown = () -> {
            if (down.compareAndSet(false, true)) {
                System.out.println("STOPPING");
                System.out.flush();
                dbms.shutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "kgr-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database("neo4j");
        if (!db.isAvailable(120_000)) {
            System.out.println("FAILED database neo4j not available after 120 s; see " + home.resolve("logs"));
            System.out.flush();
            System.exit(1);
        }
        if (auth) {
            setPassword(dbms.database("system"), password);
        }
        System.out.printf("READY bolt://%s (%.1f s)%n", address, (System.nanoTime() - t0) / 1e9);
        System.out.flush();

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // ignore input; we only care about EOF
                    }
                } catch (IOException e) {
                    // a broken pipe means the parent is gone: same as EOF
                }
                System.exit(0); // runs the shutdown hook
            }, "kgr-neo4j-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        Thread.currentThread().join(); // park forever; exit comes from a signal or the stdin watcher
    }

    /** APOC procedures are only registered from the plugins directory: copy the jars from the classpath. */
    static void installPlugins(Path plugins) throws IOException {
        Files.createDirectories(plugins);
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            String name = jar.getFileName() == null ? "" : jar.getFileName().toString();
            if (!name.startsWith("apoc-") || !name.endsWith(".jar")) {
                continue;
            }
            Path target = plugins.resolve(name);
            if (!Files.exists(target) || Files.size(target) != Files.size(jar)) {
                Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Embedded access bypasses auth, so the system database takes the password directly. */
    static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException e) {
            // Setting the password it already has fails on restart; anything else is worth a line.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                System.out.println("WARNING could not set the neo4j password: " + e.getMessage());
            }
        }
    }
}
