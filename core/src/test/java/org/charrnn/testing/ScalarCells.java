package org.charrnn.testing;

/**
 * The three cells written the plainest way, in double-precision scalar loops, one stream and one
 * step at a time: the reference our kernels are held to. Layouts as the kernels': x [T][B][nIn],
 * Wx [nIn][G·n], Wr [n][G·n], state [B][n]. LSTM gates i, f, g, o; GRU gates r, z, n with
 * b = b_r | b_z | b_n | b_hn; RNN h' = tanh(x·Wx + h·Wr + b).
 */
public final class ScalarCells {
    /** Everything a kernel produces for one segment. */
    public static final class Result {
        public double[][][] h;      // [T][B][n]
        public double[][] hLast;    // [B][n]
        public double[][] cLast;    // [B][n], LSTM only
        public double[][][] dx;     // [T][B][nIn]
        public double[][] dWx;
        public double[][] dWr;
        public double[] db;
    }

    private ScalarCells() {}

    public static int gates(String cell) {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
    }

    public static int biasLength(String cell, int n) {
        return cell.equals("rnn") ? n : 4 * n;
    }

    public static Result run(String cell, double[][][] x, double[][] wx, double[][] wr, double[] b, double[][] h0,
                             double[][] c0, double[][][] dLdh) {
        return switch (cell) {
            case "lstm" -> lstm(x, wx, wr, b, h0, c0, dLdh);
            case "gru" -> gru(x, wx, wr, b, h0, dLdh);
            case "rnn" -> rnn(x, wx, wr, b, h0, dLdh);
            default -> throw new IllegalArgumentException(cell);
        };
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** out[k] = Σ_i v[i]·W[i][k] for k in [0, W[0].length). */
    private static double[] times(double[] v, double[][] w) {
        double[] out = new double[w[0].length];
        for (int i = 0; i < v.length; i++) for (int k = 0; k < out.length; k++) out[k] += v[i] * w[i][k];
        return out;
    }

    /** Adds outer(v, d) to W, and returns d·Wᵀ. */
    private static double[] backThrough(double[] v, double[] d, double[][] w, double[][] dW) {
        double[] back = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            for (int k = 0; k < d.length; k++) {
                dW[i][k] += v[i] * d[k];
                back[i] += d[k] * w[i][k];
            }
        }
        return back;
    }

    private static Result empty(int t, int bs, int nIn, int n, int g, int biasLength) {
        Result r = new Result();
        r.h = new double[t][bs][n];
        r.hLast = new double[bs][n];
        r.dx = new double[t][bs][nIn];
        r.dWx = new double[nIn][g];
        r.dWr = new double[n][g];
        r.db = new double[biasLength];
        return r;
    }

    private static Result lstm(double[][][] x, double[][] wx, double[][] wr, double[] b, double[][] h0, double[][] c0,
                               double[][][] dLdh) {
        int t = x.length, bs = x[0].length, nIn = x[0][0].length, n = h0[0].length;
        Result res = empty(t, bs, nIn, n, 4 * n, 4 * n);
        res.cLast = new double[bs][n];
        for (int s = 0; s < bs; s++) {
            double[][] i = new double[t][n], f = new double[t][n], g = new double[t][n], o = new double[t][n];
            double[][] c = new double[t + 1][n], h = new double[t + 1][n];
            h[0] = h0[s].clone();
            c[0] = c0[s].clone();
            for (int k = 0; k < t; k++) {
                double[] zx = times(x[k][s], wx), zh = times(h[k], wr);
                for (int j = 0; j < n; j++) {
                    i[k][j] = sigmoid(zx[j] + zh[j] + b[j]);
                    f[k][j] = sigmoid(zx[n + j] + zh[n + j] + b[n + j]);
                    g[k][j] = Math.tanh(zx[2 * n + j] + zh[2 * n + j] + b[2 * n + j]);
                    o[k][j] = sigmoid(zx[3 * n + j] + zh[3 * n + j] + b[3 * n + j]);
                    c[k + 1][j] = f[k][j] * c[k][j] + i[k][j] * g[k][j];
                    h[k + 1][j] = o[k][j] * Math.tanh(c[k + 1][j]);
                }
                res.h[k][s] = h[k + 1].clone();
            }
            res.hLast[s] = h[t].clone();
            res.cLast[s] = c[t].clone();
            double[] dhNext = new double[n], dcNext = new double[n];
            for (int k = t - 1; k >= 0; k--) {
                double[] dz = new double[4 * n];
                double[] dc = new double[n];
                for (int j = 0; j < n; j++) {
                    double dh = dLdh[k][s][j] + dhNext[j];
                    double tc = Math.tanh(c[k + 1][j]);
                    dc[j] = dcNext[j] + dh * o[k][j] * (1 - tc * tc);
                    dz[j] = dc[j] * g[k][j] * i[k][j] * (1 - i[k][j]);
                    dz[n + j] = dc[j] * c[k][j] * f[k][j] * (1 - f[k][j]);
                    dz[2 * n + j] = dc[j] * i[k][j] * (1 - g[k][j] * g[k][j]);
                    dz[3 * n + j] = dh * tc * o[k][j] * (1 - o[k][j]);
                    dcNext[j] = dc[j] * f[k][j];
                }
                for (int q = 0; q < 4 * n; q++) res.db[q] += dz[q];
                res.dx[k][s] = backThrough(x[k][s], dz, wx, res.dWx);
                dhNext = backThrough(h[k], dz, wr, res.dWr);
            }
        }
        return res;
    }

    private static Result gru(double[][][] x, double[][] wx, double[][] wr, double[] b, double[][] h0, double[][][] dLdh) {
        int t = x.length, bs = x[0].length, nIn = x[0][0].length, n = h0[0].length;
        Result res = empty(t, bs, nIn, n, 3 * n, 4 * n);
        for (int s = 0; s < bs; s++) {
            double[][] r = new double[t][n], z = new double[t][n], c = new double[t][n], hn = new double[t][n];
            double[][] h = new double[t + 1][n];
            h[0] = h0[s].clone();
            for (int k = 0; k < t; k++) {
                double[] gx = times(x[k][s], wx), gh = times(h[k], wr);
                for (int j = 0; j < n; j++) {
                    r[k][j] = sigmoid(gx[j] + b[j] + gh[j]);
                    z[k][j] = sigmoid(gx[n + j] + b[n + j] + gh[n + j]);
                    hn[k][j] = gh[2 * n + j] + b[3 * n + j];
                    c[k][j] = Math.tanh(gx[2 * n + j] + b[2 * n + j] + r[k][j] * hn[k][j]);
                    h[k + 1][j] = (1 - z[k][j]) * c[k][j] + z[k][j] * h[k][j];
                }
                res.h[k][s] = h[k + 1].clone();
            }
            res.hLast[s] = h[t].clone();
            double[] dhNext = new double[n];
            for (int k = t - 1; k >= 0; k--) {
                double[] dgx = new double[3 * n], dgh = new double[3 * n], direct = new double[n];
                for (int j = 0; j < n; j++) {
                    double dh = dLdh[k][s][j] + dhNext[j];
                    double dc = dh * (1 - z[k][j]) * (1 - c[k][j] * c[k][j]);
                    double dz = dh * (h[k][j] - c[k][j]) * z[k][j] * (1 - z[k][j]);
                    double dr = dc * hn[k][j] * r[k][j] * (1 - r[k][j]);
                    dgx[j] = dr;
                    dgx[n + j] = dz;
                    dgx[2 * n + j] = dc;
                    dgh[j] = dr;
                    dgh[n + j] = dz;
                    dgh[2 * n + j] = dc * r[k][j];
                    direct[j] = dh * z[k][j];
                }
                for (int q = 0; q < 3 * n; q++) res.db[q] += dgx[q];
                for (int j = 0; j < n; j++) res.db[3 * n + j] += dgh[2 * n + j];
                res.dx[k][s] = backThrough(x[k][s], dgx, wx, res.dWx);
                double[] back = backThrough(h[k], dgh, wr, res.dWr);
                for (int j = 0; j < n; j++) back[j] += direct[j];
                dhNext = back;
            }
        }
        return res;
    }

    private static Result rnn(double[][][] x, double[][] wx, double[][] wr, double[] b, double[][] h0, double[][][] dLdh) {
        int t = x.length, bs = x[0].length, nIn = x[0][0].length, n = h0[0].length;
        Result res = empty(t, bs, nIn, n, n, n);
        for (int s = 0; s < bs; s++) {
            double[][] h = new double[t + 1][n];
            h[0] = h0[s].clone();
            for (int k = 0; k < t; k++) {
                double[] ax = times(x[k][s], wx), ah = times(h[k], wr);
                for (int j = 0; j < n; j++) h[k + 1][j] = Math.tanh(ax[j] + ah[j] + b[j]);
                res.h[k][s] = h[k + 1].clone();
            }
            res.hLast[s] = h[t].clone();
            double[] dhNext = new double[n];
            for (int k = t - 1; k >= 0; k--) {
                double[] da = new double[n];
                for (int j = 0; j < n; j++) da[j] = (dLdh[k][s][j] + dhNext[j]) * (1 - h[k + 1][j] * h[k + 1][j]);
                for (int j = 0; j < n; j++) res.db[j] += da[j];
                res.dx[k][s] = backThrough(x[k][s], da, wx, res.dWx);
                dhNext = backThrough(h[k], da, wr, res.dWr);
            }
        }
        return res;
    }
}
