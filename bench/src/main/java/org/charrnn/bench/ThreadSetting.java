package org.charrnn.bench;

/** "2" = 2 threads for ND4J and OpenBLAS alike; "1:2" = 1 for ND4J's own ops, 2 for OpenBLAS. */
public record ThreadSetting(int nd4j, int blas) {
    public static ThreadSetting parse(String spec) {
        String s = spec.trim();
        if (!s.matches("[1-9]\\d{0,2}(:[1-9]\\d{0,2})?")) {
            throw new IllegalArgumentException("'" + spec + "' is not allowed; expected counts like 1,2 or ND4J:BLAS like 1:2");
        }
        String[] p = s.split(":");
        int nd4j = Integer.parseInt(p[0]);
        return new ThreadSetting(nd4j, p.length > 1 ? Integer.parseInt(p[1]) : nd4j);
    }

    /** One count for both: the only kind the peer can match. */
    public boolean uniform() {
        return nd4j == blas;
    }

    public void apply() {
        OurBenchmark.threads(nd4j, blas);
    }

    public String label() {
        return uniform() ? nd4j + (nd4j == 1 ? " thread" : " threads") : nd4j + " ND4J + " + blas + " BLAS";
    }
}
