package org.charrnn.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * A Spark standalone master and workers, each its own JVM on this machine, started from this test's
 * classpath as scripts/spark-cluster.sh starts them from the built jars: a stand-in SPARK_HOME whose
 * jars/ the workers start their executors from (the classpath's directories packed into jars).
 */
final class StandaloneCluster implements AutoCloseable {
    private static final long START_SECONDS = 60;

    private final Path dir;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final int port;

    private StandaloneCluster(Path dir, int workerCount, int cores) throws IOException, InterruptedException {
        this.dir = dir;
        Path home = sparkHome(dir.resolve("spark-home"));
        port = freePort();
        master = start("master", home, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        awaitLine("master", "I have been elected leader");
        for (int i = 1; i <= workerCount; i++) {
            workers.add(start("worker" + i, home, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(cores), "--memory", "1g", "--webui-port", String.valueOf(freePort()),
                    "--work-dir", dir.resolve("work").toString(), masterUrl())));
        }
        for (int i = 1; i <= workerCount; i++) awaitLine("worker" + i, "Successfully registered with master");
    }

    /** {@code workers} workers of {@code cores} cores each (a core per worker task; a spare one takes a lost worker's task). */
    static StandaloneCluster start(Path dir, int workers, int cores) {
        try {
            return new StandaloneCluster(dir, workers, cores);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** kill -9 of worker {@code i} (from 1) and its executors, as when its machine goes. */
    void killWorker(int i) {
        Process w = workers.get(i - 1);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
        try {
            w.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process w : workers) {
            w.descendants().forEach(ProcessHandle::destroyForcibly);
            w.destroyForcibly();
        }
        master.destroyForcibly();
    }

    private Process start(String name, Path home, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        // The --add-opens this JVM runs with (spark/pom.xml's list): Spark needs them in every JVM on Java 17.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).forEach(command::add);
        // The master and workers say when they are up at INFO (the classpath's own log4j2.properties is quieter).
        command.add("-Dlog4j2.configurationFile=" + logConfig());
        command.addAll(List.of("-cp", home.resolve("jars") + "/*"));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("OMP_NUM_THREADS", "1"); // the tasks share this machine's 2 cores
        return pb.start();
    }

    private Path logConfig() throws IOException {
        Path p = dir.resolve("cluster-log4j2.properties");
        if (!Files.exists(p)) {
            Files.writeString(p, String.join("\n", "rootLogger.level = info", "rootLogger.appenderRef.out.ref = out",
                    "appender.out.type = Console", "appender.out.name = out", "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n", ""));
        }
        return p;
    }

    private void awaitLine(String name, String line) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) return;
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("the cluster's " + name + " did not start in " + START_SECONDS + " s: " + Files.readString(log));
    }

    /** jars/ holds this classpath: its jars linked, its directories (our classes) packed into jars. */
    private static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("RELEASE")); // a distribution, to Spark's launcher: it looks in jars/
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                pack(p, jars.resolve("classes-" + n++ + ".jar"));
            } else if (entry.endsWith(".jar") && Files.exists(p)) {
                Path link = jars.resolve(n++ + "-" + p.getFileName());
                Files.createSymbolicLink(link, p.toAbsolutePath());
            }
        }
        return home;
    }

    private static void pack(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
