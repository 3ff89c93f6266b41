package org.charrnn.spark;

import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEnv;
import org.charrnn.train.TrainingException;
import scala.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone master named by spark://, asked before Spark is: Spark retries a master for a
 * minute before it gives up, whether nothing listens at the address or something else does. Here
 * an address nobody answers at, or one whose answer is not a Spark master's, is refused in seconds.
 */
final class MasterProbe {
    private static final int CONNECT_MILLIS = 3000;
    private static final String LOOKUP_TIMEOUT = "5s";
    /** The name a standalone master registers its RPC endpoint under (Spark's Master.ENDPOINT_NAME). */
    private static final String MASTER_ENDPOINT = "Master";

    private MasterProbe() {}

    /** Returns when one of the master URL's host:port pairs is a Spark master; else refuses in one line. */
    static void requireMaster(String master, SparkConf conf) {
        List<String> problems = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hostPort);
            int port = u.getPort() < 0 ? 7077 : u.getPort();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), CONNECT_MILLIS);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(u.getHost() + ":" + port + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
                continue;
            }
            if (answersAsMaster(u.getHost(), port, conf)) return;
            throw new TrainingException("distributed.master: '" + master + "': " + u.getHost() + ":" + port
                    + " answers, but not as a Spark master (another service, or a worker's or the master's web UI port?);"
                    + " the master's URL is the spark://host:port its log prints, 7077 by default");
        }
        throw new TrainingException("distributed.master: '" + master + "' cannot be reached: " + String.join(", ", problems)
                + "; is the Spark master running, and is this its address?");
    }

    /** Looks the master's endpoint up over Spark's own RPC, as a client that serves nothing. */
    private static boolean answersAsMaster(String host, int port, SparkConf conf) {
        SparkConf probe = conf.clone().set("spark.rpc.lookupTimeout", LOOKUP_TIMEOUT).set("spark.rpc.askTimeout", LOOKUP_TIMEOUT)
                .set("spark.rpc.io.connectionTimeout", LOOKUP_TIMEOUT);
        SecurityManager security = new SecurityManager(probe, Option.empty(),
                org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE());
        RpcEnv env = RpcEnv.create("charrnn-master-probe", probe.get("spark.driver.host", "localhost"), 0, probe, security, true);
        try {
            env.setupEndpointRef(new RpcAddress(host, port), MASTER_ENDPOINT);
            return true;
        } catch (Exception e) { // (Spark throws its checked SparkException undeclared) a timeout, a refused lookup, bytes not Spark's
            return false;
        } finally {
            env.shutdown();
        }
    }
}
