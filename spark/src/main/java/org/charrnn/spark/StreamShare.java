package org.charrnn.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The streams (rows of every minibatch) one worker owns for the whole run: rows [from, to). The
 * batch is cut into contiguous, nearly equal shares, so stream s is always on the same worker and
 * its carried state goes back to that worker every step.
 */
record StreamShare(int worker, int from, int to) implements java.io.Serializable {
    int rows() {
        return to - from;
    }

    /** {@code batch} rows among {@code workers}: the first batch % workers shares get one row more. */
    static List<StreamShare> split(int batch, int workers) {
        if (workers < 1 || workers > batch) throw new IllegalArgumentException(workers + " workers for " + batch + " streams");
        List<StreamShare> shares = new ArrayList<>();
        int from = 0;
        for (int w = 0; w < workers; w++) {
            int rows = batch / workers + (w < batch % workers ? 1 : 0);
            shares.add(new StreamShare(w, from, from + rows));
            from += rows;
        }
        return List.copyOf(shares);
    }
}
